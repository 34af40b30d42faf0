/**
 * Tells LeadScore which Contact records changed, so their lead is rescored within seconds.
 * One trigger per object (Salesforce does not order several); all of them share one handler.
 */
trigger LeadScoreContactChanges on Contact (after insert, after update, after delete, after undelete) {
    LeadScoreChangeHandler.handle('Contact', Trigger.new, Trigger.old, Trigger.oldMap, Trigger.operationType);
}
