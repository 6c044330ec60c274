/**
 * 衔接资金项目工作流 — a fund project from proposal to the handover of its asset (DESIGN §5.2):
 * village notice → township review (six checks) → county appraisal → county decision → county
 * announcement → in the plan → approval (批复) → start of works by the deadline (else flagged for
 * fund recall) → monthly progress reports checked against the pace curve (behind: a 整改 task for
 * the township, escalated to the county when overdue; n months in a row: an 约谈 for the county's
 * supervisor) → acceptance (验收) → announcement → asset registration → two-sided handover (移交).
 * Wiring only: the process-steps block runs the tasks; the rules are in ./steps and ./rules.
 */
import { condition, patched, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import { ProcessSteps } from '../blocks/process-steps';
import type { ProcessDecision, ProcessUpdateResult } from '../process-contracts';
import { INTERVIEW_KIND, INTERVIEW_STEP } from '../process-contracts';
import type { TLimit } from '../policy';
import { addLimitWithoutCalendar } from '../policy';
import type { Level } from '../contracts';
import { startInterviewChild } from '../interview/interview-workflow';
import type { ProjectInput, ProjectResult, ProjectStatus } from './contracts';
import { PROJECT_ASSETS_PATCH, PROJECT_KIND, PROJECT_NOTICES as N, PROJECT_STEPS as S, fileProjectObjectionUpdate } from './contracts';
import { fileProjectObjection, projectRules, registeredAssets, validateProjectObjection } from './steps';
import { beijingDate, notStartedByDeadline, yuan } from './rules';
import type { AssetClass } from '../asset/rules';
import { proposedOwnerName, responsibleOwner } from '../asset/rules';
import { assetHandedOverSignal, assetProcessId } from '../asset/contracts';
import { startAssetChild } from '../asset/asset-workflow';

/** A notice's length (calendar units; a working-day limit counts its days as calendar days). */
function noticeMs(limit: TLimit, from: number): number {
  return (addLimitWithoutCalendar(from, limit) ?? addLimitWithoutCalendar(from, { unit: 'CALENDAR_DAYS', amount: limit.amount }) as number) - from;
}

/** The fund project workflow. */
export async function projectWorkflow(input: ProjectInput): Promise<ProjectResult> {
  const p = input.policy;
  const pr = input.proposal;
  const steps = new ProcessSteps(
    { processId: input.processId, kind: PROJECT_KIND, title: `${pr.name}（${pr.reference}）`, region: input.region, limits: input.limits, policyVersion: p.version },
    {
      rules: projectRules(pr.budgetFen, p),
      initial: {
        status: 'PROPOSED', step: null,
        data: {
          reference: pr.reference, name: pr.name, type: pr.type, location: pr.location, budgetFen: pr.budgetFen, fundingSource: pr.fundingSource,
          beneficiaries: pr.beneficiaries, farmerLinkage: pr.farmerLinkage, performanceTargets: pr.performanceTargets, year: pr.year,
          paidFen: input.imported?.paidFen ?? 0, physicalPct: input.imported?.physicalPct ?? 0, startedOn: input.imported?.startedOn ?? null,
          behindStreak: 0, behind: false, notStartedFlagged: false, interviewsDue: 0, interviews: [],
        },
      },
    },
  );
  const end = async (status: ProjectStatus): Promise<ProjectResult> => {
    await steps.finish(status);
    await steps.end();
    return { processId: input.processId, status: steps.state.status as ProjectStatus };
  };
  const task = async (step: string, level: Level, status: ProjectStatus): Promise<ProcessDecision> => {
    const [id] = await steps.openTasks([{ step, level, limit: p.steps[step] }], (d) => d.setStatus(status, step));
    return steps.waitForDecision(id);
  };
  /** A notice: runs its period, then waits (no command) for open investigations; an upheld objection returns or rejects. */
  const notice = async (step: string, limit: TLimit, status: ProjectStatus): Promise<'ENDED' | 'RETURNED' | 'REJECTED'> => {
    const ms = noticeMs(limit, Date.now());
    await steps.transition((d) => {
      d.setStatus(status, step);
      d.event({ action: 'NOTICE_STARTED', data: { endsAt: d.iso(Date.now() + ms) } });
    });
    await sleep(ms, { summary: `${step} ends` });
    await condition(() => steps.state.finished || !steps.state.openTasks.some((t) => t.step === S.INVESTIGATION));
    if (steps.state.finished) return 'REJECTED';
    const upheld = steps.state.data.objectionUpheld === true;
    await steps.transition((d) => {
      if (upheld) d.setData({ objectionUpheld: false });
      d.event({ action: 'NOTICE_ENDED', data: upheld ? { outcome: 'RETURNED' } : undefined });
    });
    return upheld ? 'RETURNED' : 'ENDED';
  };
  setHandler(fileProjectObjectionUpdate, async (args): Promise<ProcessUpdateResult> => {
    await steps.transition((d) => {
      validateProjectObjection(d.s, args);
      fileProjectObjection(d, args, p);
    });
    const st = steps.state;
    return { processId: st.processId, status: st.status, step: st.step, openTasks: st.openTasks.map((t) => ({ taskId: t.taskId, step: t.step, assigneeId: t.assigneeId })) };
  }, { validator: (args) => validateProjectObjection(steps.state, args) });
  // Assets registered by this project report their handover (no command until one arrives).
  const handedOver = new Map<string, string>();
  setHandler(assetHandedOverSignal, (a) => {
    handedOver.set(a.assetId, a.handedOverOn);
  });
  const rejected = async (): Promise<ProjectResult> => {
    await steps.end();
    return { processId: input.processId, status: 'REJECTED' };
  };

  await steps.start((d) => d.event({
    action: input.enterAt === 'IMPLEMENTATION' ? 'PROJECT_IMPORTED' : 'PROJECT_PROPOSED', actorId: input.proposedById,
    data: { reference: pr.reference, type: pr.type, budgetYuan: yuan(pr.budgetFen) },
  }));

  if (input.enterAt !== 'IMPLEMENTATION') {
    // 项目库: village notice, then the review chain; a return (or an upheld objection) goes back to the village, and the chain starts again.
    const chain: [string, Level][] = [[S.TOWNSHIP_REVIEW, 'TOWNSHIP'], [S.COUNTY_APPRAISAL, 'COUNTY'], [S.COUNTY_DECISION, 'COUNTY']];
    for (let noticed = false; ;) {
      if (!noticed) {
        const n = await notice(N.VILLAGE_NOTICE, p.villageNotice, 'IN_NOTICE');
        if (n === 'REJECTED') return rejected();
        if (n === 'RETURNED') {
          await task(S.REVISE_PROPOSAL, 'VILLAGE', 'RETURNED');
          continue;
        }
        noticed = true;
      }
      for (let i = 0; i < chain.length;) {
        const d = await task(chain[i][0], chain[i][1], 'IN_REVIEW');
        if (steps.state.finished) return rejected();
        if (d.action === 'RETURN') {
          await task(S.REVISE_PROPOSAL, 'VILLAGE', 'RETURNED');
          i = 0;
        } else {
          i += 1;
        }
      }
      const a = await notice(N.COUNTY_ANNOUNCEMENT, p.countyAnnouncement, 'IN_ANNOUNCEMENT');
      if (a === 'REJECTED') return rejected();
      if (a === 'RETURNED') {
        await task(S.REVISE_PROPOSAL, 'VILLAGE', 'RETURNED');
        continue;
      }
      break;
    }
    await steps.transition((d) => {
      d.setStatus('IN_PLAN', null);
      d.event({ action: 'ENTERED_ANNUAL_PLAN', data: { year: pr.year } });
    });
    await task(S.APPROVAL, 'COUNTY', 'IN_PLAN');

    // 开工: the township reports the start; past the deadline the project is flagged for fund recall and still waits.
    const [startId] = await steps.openTasks([{ step: S.START_WORKS, level: 'TOWNSHIP', limit: p.startWithin }], (d) => d.setStatus('APPROVED', S.START_WORKS));
    const startTask = steps.state.openTasks.find((t) => t.taskId === startId);
    const deadline = startTask ? Date.parse(startTask.dueAt) : Date.now();
    const decided = (): boolean => steps.state.decisions.some((d) => d.taskId === startId);
    if (!(await condition(decided, Math.max(0, deadline - Date.now())))) {
      if (notStartedByDeadline({ startedOn: null }, deadline, Date.now())) {
        await steps.transition((d) => {
          d.setStatus('NOT_STARTED_FLAGGED');
          d.setData({ notStartedFlagged: true, flaggedAt: d.iso() });
          d.event({ action: 'NOT_STARTED_FLAGGED', data: { deadline: new Date(deadline).toISOString() } });
        });
      }
    }
    await steps.waitForDecision(startId);
  } else {
    await steps.transition((d) => d.setStatus('IN_PROGRESS', S.PROGRESS_REPORT));
  }

  // 月度进度 until the works are complete and accepted.
  for (;;) {
    let interviewsStarted = Number(steps.state.data.interviewsDue ?? 0);
    for (;;) {
      await task(S.PROGRESS_REPORT, 'TOWNSHIP', 'IN_PROGRESS');
      const due = Number(steps.state.data.interviewsDue ?? 0);
      if (due > interviewsStarted) {
        interviewsStarted = due;
        const interviewId = `YT-${input.processId}-${due}`;
        await startInterviewChild({
          processId: interviewId, subject: { level: 'TOWNSHIP', code: input.region.townshipCode ?? input.region.countyCode, name: input.townshipName },
          region: { townshipCode: input.region.townshipCode ?? null, countyCode: input.region.countyCode },
          reason: `${pr.name}（${pr.reference}）连续${p.behindMonthsForInterview}个月支出进度滞后于序时进度`,
          level: 'COUNTY', supervisorRegionCode: input.region.countyCode, limit: p.interviewLimit, limits: input.limits,
          requestedBy: { processId: input.processId, kind: PROJECT_KIND }, policyVersion: p.version,
        });
        await steps.transition((d) => {
          d.setData({ interviews: [...(d.s.data.interviews as string[]), interviewId] });
          d.event({ action: 'INTERVIEW_OPENED', data: { interviewId, kind: INTERVIEW_KIND, step: INTERVIEW_STEP } });
        });
      }
      if (Number(steps.state.data.physicalPct) >= 100) break;
      await sleep(noticeMs(p.reportEvery, Date.now()), { summary: 'next monthly progress report' });
    }
    await steps.transition((d) => {
      d.setStatus('COMPLETED', S.ACCEPTANCE);
      d.event({ action: 'WORKS_COMPLETED' });
    });
    const acceptance = await task(S.ACCEPTANCE, 'COUNTY', 'COMPLETED');
    if (acceptance.action === 'APPROVE') break;
  }
  await notice(N.ACCEPTANCE_NOTICE, p.acceptanceNotice, 'ACCEPTED');

  // 资产登记与移交: registered by the township, then confirmed by both sides.
  await task(S.ASSET_REGISTRATION, 'TOWNSHIP', 'ACCEPTED');
  if (patched(PROJECT_ASSETS_PATCH)) {
    // Each registered asset runs 确权 and the two-sided 移交 in its own workflow, then tells this project.
    const assets = registeredAssets(steps.state.data, pr.reference);
    for (const x of assets) {
      const owner = responsibleOwner(x.assetClass, x.managingLevel);
      await startAssetChild({
        processId: x.assetId, region: input.region, limits: input.limits, policy: p.assetPolicies[x.kind] ?? p.assetPolicies.GENERAL,
        stage: 'REGISTERED', reportHandoverTo: workflowInfo().workflowId,
        asset: {
          reference: x.reference, name: x.name, assetClass: x.assetClass, assetKind: x.kind, valueFen: x.valueFen, fundingSource: pr.fundingSource,
          ownerName: proposedOwnerName(owner.ownerType, { village: pr.location, township: input.townshipName }), managingLevel: x.managingLevel,
          projectId: input.processId, handedOverOn: null,
        },
      });
    }
    const assetIds = assets.map((x) => x.assetId);
    await steps.transition((d) => {
      d.setStatus('HANDING_OVER', null);
      d.setData({ assetId: assetIds[0], assetIds });
      d.event({ action: 'ASSETS_TO_OWNERS', data: { assetIds } });
    });
    await condition(() => assetIds.every((id) => handedOver.has(id)));
    await steps.transition((d) => {
      d.setData({ assetsHandedOver: assetIds.map((id) => ({ assetId: id, handedOverOn: handedOver.get(id) })) });
      d.event({ action: 'ASSET_HANDED_OVER', data: { assetIds } });
    });
    return end('HANDED_OVER');
  }
  const ids = await steps.openTasks([
    { step: S.HANDOVER_OUT, level: 'TOWNSHIP', limit: p.steps[S.HANDOVER_OUT] },
    { step: S.HANDOVER_IN, level: 'VILLAGE', limit: p.steps[S.HANDOVER_IN] },
  ], (d) => d.setStatus('HANDING_OVER', S.HANDOVER_IN));
  for (const id of ids) await steps.waitForDecision(id);

  // The asset lives on in a workflow of its own (upkeep, income, idle checks).
  const asset = steps.state.data.asset as { name: string; assetClass: AssetClass; valueFen: number; kind: string };
  const assetId = assetProcessId(pr.reference);
  await startAssetChild({
    processId: assetId, region: input.region, limits: input.limits, policy: p.assetPolicies[asset.kind] ?? p.assetPolicies.GENERAL,
    asset: {
      reference: pr.reference, name: asset.name, assetClass: asset.assetClass, assetKind: asset.kind, valueFen: asset.valueFen, fundingSource: pr.fundingSource,
      ownerName: pr.location, projectId: input.processId, handedOverOn: beijingDate(Date.now()),
    },
  });
  await steps.transition((d) => {
    d.setData({ assetId });
    d.event({ action: 'ASSET_HANDED_OVER', data: { assetId } });
  });
  return end('HANDED_OVER');
}
