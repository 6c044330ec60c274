export { householdCaseWorkflow } from './case/case-workflow';
