// A long markdown report such as a very thorough run ends with: numbered sections with prose,
// lists, a table and a code block, and file references into the fixture project
// (test/fixtures/workspace) on every few lines. Deterministic, so that figures compare between
// runs. Used by the webview bench and the end-to-end streaming test.

/** Files of the fixture project and their line counts: references stay inside them. */
const files = [
  ['src/server/routes.py', 38],
  ['src/server/models.py', 38],
  ['src/server/app.py', 17],
  ['src/server/config.py', 12],
  ['README.md', 21],
];

/** A markdown report of at least `chars` characters. */
export function longReport(chars) {
  const sections = ['# A tour of the project\n\nEvery part of the project, one section each, with where to read more.'];
  let length = sections[0].length;
  for (let index = 1; length < chars; index += 1) {
    const section = reportSection(index);
    sections.push(section);
    length += section.length + 2;
  }
  return sections.join('\n\n');
}

function reportSection(index) {
  const ref = (offset) => {
    const [file, lines] = files[(index + offset) % files.length];
    const line = 1 + ((index * 7 + offset * 3) % (lines - 1));
    return `${file}:${line}`;
  };
  return [
    `## ${index}. Part ${index} of the server`,
    `This part handles request number ${index}. The handler is defined at \`${ref(0)}\` and validates its input before it calls the model layer in ${ref(1)}; errors are turned into JSON responses with a status code, and **every** path is covered by a test.`,
    `- Entry point: \`${ref(2)}\`\n- Configuration read from \`${ref(3)}\`\n- See also ${ref(4)} for the *overview*`,
    `| Step | Where |\n|---|---|\n| parse | \`${ref(0)}\` |\n| store | \`${ref(1)}\` |`,
    '```python\n' + `def handler_${index}(request):\n    payload = request.get_json()\n    return jsonify(store(payload)), 201\n` + '```',
  ].join('\n\n');
}
