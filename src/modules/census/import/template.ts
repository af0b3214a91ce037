/**
 * Downloadable templates for bulk import: the form's fields as columns, one example row, and (in
 * the XLSX) the allowed values of every choice field with drop-down lists. Both read back with the
 * `native` mapping.
 */
import ExcelJS from 'exceljs';
import {
  DEFAULT_DOMAINS,
  FIELD_CHOICES,
  FIELD_LABELS,
  FORM_FIELDS,
  type CensusForm,
  type CensusFormInput,
  type Labels,
} from '../census.form.js';
import { csvLine, formValueText } from '../export/writers.js';
import { LIST_FIELDS, REQUIRED_FIELDS } from './mapping.js';

/** The example row of the templates: an invented but plausible holding. */
export const TEMPLATE_EXAMPLE: CensusFormInput = {
  title: '전국 응급의료기관 위치 정보',
  titleEn: 'Locations of emergency medical institutions',
  description: '전국 응급의료기관의 명칭, 주소, 좌표, 진료 과목과 운영 시간',
  descriptionEn: 'Name, address, coordinates, departments and opening hours of every emergency medical institution',
  department: '응급의료정책과',
  contactName: '홍길동',
  contactEmail: 'data@example.go.kr',
  contactPhone: '044-000-0000',
  readiness: 'processed',
  structure: 'structured',
  modality: 'tabular',
  domain: 'healthcare',
  purpose: '응급 상황에서 가까운 의료기관 안내',
  legalMandate: '응급의료에 관한 법률',
  volumeRecords: 1_250,
  volumeFiles: 1,
  formats: ['CSV', 'JSON'],
  collectionStart: '2015-01',
  updateCycle: 'monthly',
  provisionScope: 'open',
  personalInfo: 'none',
  copyrightHolder: '보건복지부',
  licence: '공공누리 제1유형',
  sampleAvailability: 'available',
  urls: ['https://data.example.go.kr/emergency'],
};

function exampleRow(lang: 'ko' | 'en'): string[] {
  const example = TEMPLATE_EXAMPLE as Partial<CensusForm>;
  return FORM_FIELDS.map((field) => formValueText(field, example[field], lang));
}

/**
 * The CSV template: a header of the form's labels in `lang` and one example row, UTF-8 with a
 * byte-order mark (so Excel shows Korean), choice values written as labels.
 *
 * @example templateCsv('ko').split('\r\n')[0] // '\uFEFF데이터명,데이터명(영문),설명,…'
 */
export function templateCsv(lang: 'ko' | 'en' = 'ko'): string {
  return `\uFEFF${csvLine(FORM_FIELDS.map((f) => FIELD_LABELS[f][lang]))}${csvLine(exampleRow(lang))}`;
}

const ALLOWED_SHEET = '허용값 (Allowed values)';

/** A note for a header cell: the English label, the key, whether required, and how to fill it in. */
function headerNote(field: keyof CensusForm): string {
  const lines = [`${FIELD_LABELS[field].en} (${field})`];
  lines.push(REQUIRED_FIELDS.includes(field) ? '필수 / required' : '선택 / optional');
  if (field === 'domain' || FIELD_CHOICES[field]) lines.push(`'${ALLOWED_SHEET}' 시트의 값 / a value from the sheet '${ALLOWED_SHEET}'`);
  if (LIST_FIELDS.has(field)) lines.push('여러 개는 ; 로 구분 / separate several with ;');
  if (field.startsWith('volume')) lines.push('숫자 / a number');
  if (field === 'collectionStart' || field === 'collectionEnd') lines.push('YYYY, YYYY-MM, YYYY-MM-DD');
  return lines.join('\n');
}

/**
 * The XLSX template: sheet 1 has the Korean labels as header (each with a note giving the English
 * label, the key and what to enter), one example row, and drop-down lists on the choice columns;
 * sheet 2 lists the allowed values of every choice field and the domains (key, Korean, English).
 *
 * @example await writeFile('조사표_양식.xlsx', await templateXlsx())
 */
export async function templateXlsx(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'datadam';
  const sheet = workbook.addWorksheet('조사표', { views: [{ state: 'frozen', ySplit: 1 }] });
  const allowed = workbook.addWorksheet(ALLOWED_SHEET);

  allowed.columns = [
    { header: '항목 (Field)', width: 22 },
    { header: '키 (Field key)', width: 20 },
    { header: '값 (Value key)', width: 22 },
    { header: '한국어', width: 26 },
    { header: 'English', width: 30 },
  ];
  allowed.getRow(1).font = { bold: true };
  /** Rows of sheet 2 holding each field's Korean labels, for the drop-down lists. */
  const ranges = new Map<keyof CensusForm, [number, number]>();
  const listed: Array<[keyof CensusForm, Record<string, Labels>]> = [
    ...(Object.entries(FIELD_CHOICES) as Array<[keyof CensusForm, Record<string, Labels>]>),
    ['domain', DEFAULT_DOMAINS],
  ];
  for (const [field, choices] of listed) {
    const first = allowed.rowCount + 1;
    for (const [key, labels] of Object.entries(choices)) {
      allowed.addRow([`${FIELD_LABELS[field].ko} (${FIELD_LABELS[field].en})`, field, key, labels.ko, labels.en]);
    }
    ranges.set(field, [first, allowed.rowCount]);
  }

  const header = sheet.addRow(FORM_FIELDS.map((f) => FIELD_LABELS[f].ko));
  header.font = { bold: true };
  FORM_FIELDS.forEach((field, i) => {
    header.getCell(i + 1).note = headerNote(field);
    sheet.getColumn(i + 1).width = Math.max(12, Math.min(40, FIELD_LABELS[field].ko.length * 2 + 6));
  });
  const example = TEMPLATE_EXAMPLE as Partial<CensusForm>;
  sheet.addRow(
    FORM_FIELDS.map((field) => (typeof example[field] === 'number' ? example[field] : formValueText(field, example[field], 'ko'))),
  );

  const validations = (sheet as unknown as { dataValidations: { add(address: string, validation: ExcelJS.DataValidation): void } })
    .dataValidations;
  FORM_FIELDS.forEach((field, i) => {
    const range = ranges.get(field);
    if (!range || LIST_FIELDS.has(field)) return;
    const column = sheet.getColumn(i + 1).letter;
    validations.add(`${column}2:${column}5000`, {
      type: 'list',
      allowBlank: true,
      showErrorMessage: false,
      formulae: [`'${ALLOWED_SHEET}'!$D$${range[0]}:$D$${range[1]}`],
    });
  });

  return Buffer.from(await workbook.xlsx.writeBuffer());
}
