export { householdCaseWorkflow } from './case/case-workflow';
export { interviewWorkflow } from './interview/interview-workflow';
export { projectWorkflow } from './project/project-workflow';
export { assetWorkflow } from './asset/asset-workflow';
