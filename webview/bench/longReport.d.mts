export function longReport(chars: number): string;
