/** The codicon for each tool's card; unknown names (the model invents tools) get a generic one. */
const icons: Record<string, string> = {
  Read: 'file-code',
  Grep: 'search',
  Glob: 'files',
  Bash: 'terminal',
  Task: 'hubot',
  Write: 'edit',
  Edit: 'edit',
};

export function toolIcon(name: string | undefined): string {
  return (name !== undefined && icons[name]) || 'tools';
}
