import { useContext } from 'react';
import { AgentTimeline, itemsBeforeReport } from './AgentTimeline';
import { RunTreeContext } from './runTreeContext';

/** A Task call's sub-agent, nested in the Task card: its own cards, then its answer. */
export function SubAgentRun({ runId }: { runId: string }) {
  const tree = useContext(RunTreeContext);
  const agent = tree?.agents[runId];
  if (!tree || !agent) return null;
  return (
    <div className="sub-agent" role="group" aria-label="Sub-agent run">
      <AgentTimeline items={itemsBeforeReport(agent)} tools={tree.tools} subRuns={tree.subRuns} streaming={agent.finished === undefined} />
      {agent.finished === undefined && (
        <div className="working">
          <span className="codicon codicon-loading codicon-modifier-spin" aria-hidden="true" /> Sub-agent working…
        </div>
      )}
    </div>
  );
}
