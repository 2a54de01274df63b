import { z } from 'zod';
import { defineTool, ToolFailure, toolUseError } from './defineTool';

/**
 * Task: hands a focused search to a sub-agent with its own context and the same read-only tools
 * (minus Task). Every subagent_type the model names (Explore, general-purpose, …) gets the explorer.
 */
export const taskTool = defineTool({
  name: 'Task',
  description:
    'Launch a sub-agent that explores the codebase on its own to answer a focused question, and returns its final report. Use it for searches that need several rounds of Glob, Grep and Read.',
  parameters: z.object({
    description: z.string().describe('A short (3-5 word) description of the task'),
    prompt: z.string().min(1).describe('The task for the agent to perform'),
    subagent_type: z.string().optional().describe('The type of agent to use; every type explores read-only'),
  }),
  ignored: ['model', 'resume', 'run_in_background'],
  title: (input) => `Task: ${input.description ?? 'sub-agent'}`,
  async execute(input, ctx) {
    if (!ctx.runSubAgent) {
      throw new ToolFailure(toolUseError('Error: Task is not available inside a sub-agent. Use Read, Grep, Glob and Bash directly.'));
    }
    const result = await ctx.runSubAgent({ description: input.description, prompt: input.prompt, callId: ctx.callId ?? 'task' });
    return {
      output: [
        result.report,
        '',
        `agentId: ${result.agentId} (for resuming to continue this agent's work if needed)`,
        `<usage>total_tokens: ${result.totalTokens}`,
        `tool_uses: ${result.toolUses}`,
        `duration_ms: ${result.durationMs}</usage>`,
      ].join('\n'),
      title: `Task: ${input.description}`,
      metadata: { agentId: result.agentId, toolUses: result.toolUses, totalTokens: result.totalTokens },
    };
  },
});
