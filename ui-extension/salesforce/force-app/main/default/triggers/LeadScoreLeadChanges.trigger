/**
 * Tells LeadScore which Lead records changed, so their lead is rescored within seconds.
 * One trigger per object (Salesforce does not order several); all of them share one handler.
 */
trigger LeadScoreLeadChanges on Lead (after insert, after update, after delete, after undelete) {
    LeadScoreChangeHandler.handle('Lead', Trigger.new, Trigger.old, Trigger.oldMap, Trigger.operationType);
}
