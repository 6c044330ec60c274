export { householdCaseWorkflow } from './case/case-workflow';
export { interviewWorkflow } from './interview/interview-workflow';
export { microcreditWorkflow } from './microcredit/microcredit-workflow';
export { welfareJobWorkflow } from './welfare-job/welfare-job-workflow';
export { settlementChecklistWorkflow } from './relocation/settlement-workflow';
