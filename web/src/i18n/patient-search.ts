// Staff patient search (issue 13): the front desk and clinicians find a patient by name and/or
// date of birth to open their page. Spread into `en.ts` and `es.ts`; the Spanish has the same
// keys and placeholders (i18n.test.ts checks).
export const en = {
  "patientSearch.nav": "Find a patient",
  "patientSearch.title": "Find a patient",
  "patientSearch.intro": "Search by name, by date of birth, or both.",
  "patientSearch.name": "Name",
  "patientSearch.nameHint":
    "The start of the family name (lop), or the family name, a comma and the given name (López, Ana). Accents and capital letters do not matter.",
  "patientSearch.birthDate": "Date of birth",
  "patientSearch.submit": "Search",
  "patientSearch.needOne": "Enter a name or a date of birth.",
  "patientSearch.tooShort": "Enter at least 2 letters of the family name.",
  "patientSearch.badName": "Check the name: {message}",
  "patientSearch.badDate": "Enter a real date of birth, not in the future.",
  "patientSearch.searching": "Searching…",
  "patientSearch.results": "Patients found",
  "patientSearch.foundOne": "1 patient found.",
  "patientSearch.foundMany": "{count} patients found.",
  "patientSearch.none": "No patient matches. Check the spelling, type fewer letters, or search by date of birth.",
  "patientSearch.truncated": "Only the first {count} are shown: more patients match. Add the date of birth, or the given name after a comma, to narrow the search.",
  "patientSearch.table": "Patients found, as a table",
  "patientSearch.column.name": "Name",
  "patientSearch.column.birthDate": "Date of birth",
  "patientSearch.column.portal": "Portal account",
  "patientSearch.portal.active": "Active",
  "patientSearch.portal.none": "Not activated",
  "patientSearch.register": "Not registered yet? Register a patient",
};
