/**
 * Tells LeadScore which CampaignMember records changed, so their lead is rescored within seconds.
 * One trigger per object (Salesforce does not order several); all of them share one handler.
 */
trigger LeadScoreCampaignMemberChanges on CampaignMember (after insert, after update, after delete) {
    LeadScoreChangeHandler.handle('CampaignMember', Trigger.new, Trigger.old, Trigger.oldMap, Trigger.operationType);
}
