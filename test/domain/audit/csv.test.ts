import { expect } from 'chai';
import { CSV_BOM, csvCell, toCsv } from '../../../src/domain/audit/csv.js';

describe('CSV of an audit trail', () => {
  const cells: [string, string, string][] = [
    ['a plain word as it is', 'Approved', 'Approved'],
    ['an empty cell as nothing', '', ''],
    ['a comma inside quotes', 'Rossi, Marco', '"Rossi, Marco"'],
    ['quotes doubled inside quotes', 'the "Admin agent" role', '"the ""Admin agent"" role"'],
    ['a line break inside quotes', 'first\nsecond', '"first\nsecond"'],
    ['a CRLF inside quotes', 'first\r\nsecond', '"first\r\nsecond"'],
    ['a formula with a leading apostrophe', '=HYPERLINK("http://evil.example")', '"\'=HYPERLINK(""http://evil.example"")"'],
    ['a plus sign with a leading apostrophe', '+39 02 1234', "'+39 02 1234"],
    ['a minus sign with a leading apostrophe', '-2+3', "'-2+3"],
    ['an at sign with a leading apostrophe', '@SUM(A1:A2)', "'@SUM(A1:A2)"],
    ['a leading tab with a leading apostrophe', '\t=1', "'\t=1"],
    ['a leading carriage return with an apostrophe, quoted', '\r=1', '"\'\r=1"'],
    ['a formula sign not at the start as it is', 'a=b', 'a=b'],
    ['accents as they are', 'Società Italiana — Niccolò', 'Società Italiana — Niccolò'],
    ['an ISO instant as it is', '2026-11-24T09:00:00.000Z', '2026-11-24T09:00:00.000Z'],
  ];
  for (const [what, value, expected] of cells) {
    it(`writes ${what}`, () => expect(csvCell(value)).to.equal(expected));
  }

  it('starts with the UTF-8 BOM and ends every line with CRLF', () => {
    const csv = toCsv([['Quando (UTC)', 'Chi'], ['2026-11-24T09:00:00.000Z', 'Niccolò, "Nico"']]);
    expect(csv.startsWith(CSV_BOM)).to.equal(true);
    expect(csv.slice(1)).to.equal('Quando (UTC),Chi\r\n2026-11-24T09:00:00.000Z,"Niccolò, ""Nico"""\r\n');
    expect(Buffer.from(csv, 'utf8').subarray(0, 3).toString('hex')).to.equal('efbbbf');
  });
});
