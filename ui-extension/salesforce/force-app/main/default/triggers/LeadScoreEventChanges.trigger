/**
 * Tells LeadScore which Event records changed, so their lead is rescored within seconds.
 * One trigger per object (Salesforce does not order several); all of them share one handler.
 */
trigger LeadScoreEventChanges on Event (after insert, after update, after delete, after undelete) {
    LeadScoreChangeHandler.handle('Event', Trigger.new, Trigger.old, Trigger.oldMap, Trigger.operationType);
}
