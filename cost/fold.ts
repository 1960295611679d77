/**
 * Folding long text for the terminal (issue 28: one plan line ran to 1,352 characters). Words are kept
 * whole where they fit; a word longer than the room (a JSON value, an ARN) is cut into pieces. Hand-
 * written because the one wrapper in node_modules (wrap-ansi) is only a transitive dependency of the
 * test tools, not one this project declares, and this needs no ANSI handling.
 */
export const WIDTH = 120;

/** `text` as lines of at most `width` characters: the first after `first`, the others after `rest`. */
export function fold(text: string, first: string, rest: string, width = WIDTH): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  const room = (): number => width - line.length - (empty ? 0 : 1);
  for (let word of text.split(" ").filter((w) => w !== "")) {
    if (!empty && word.length > room()) {
      lines.push(line);
      line = rest;
      empty = true;
    }
    while (word.length > room() && room() > 0) {
      const cut = room();
      lines.push(`${line}${empty ? "" : " "}${word.slice(0, cut)}`);
      word = word.slice(cut);
      line = rest;
      empty = true;
    }
    line = `${line}${empty ? "" : " "}${word}`;
    empty = false;
  }
  lines.push(line);
  return lines;
}
