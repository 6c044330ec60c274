export { householdCaseWorkflow } from './case/case-workflow';
export { interviewWorkflow } from './interview/interview-workflow';
export { countyReportWorkflow } from './report/report-workflow';
export { screeningCampaignWorkflow } from './campaign/campaign-workflow';
export { projectWorkflow } from './project/project-workflow';
export { assetWorkflow } from './asset/asset-workflow';
