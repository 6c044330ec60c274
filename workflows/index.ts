export { householdCaseWorkflow } from './case/case-workflow';
export { interviewWorkflow } from './interview/interview-workflow';
export { screeningCampaignWorkflow } from './campaign/campaign-workflow';
