/**
 * Tells LeadScore which Task records changed, so their lead is rescored within seconds.
 * One trigger per object (Salesforce does not order several); all of them share one handler.
 */
trigger LeadScoreTaskChanges on Task (after insert, after update, after delete, after undelete) {
    LeadScoreChangeHandler.handle('Task', Trigger.new, Trigger.old, Trigger.oldMap, Trigger.operationType);
}
