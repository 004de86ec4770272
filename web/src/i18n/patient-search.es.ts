import type { en } from "./patient-search";

// Spanish for `patient-search.ts`, spread into `es.ts`: a file of its own so that it is in the
// Spanish chunk, not the entry bundle with the English. Same keys and placeholders (i18n.test.ts checks).
export const es: Record<keyof typeof en, string> = {
  "patientSearch.nav": "Buscar paciente",
  "patientSearch.title": "Buscar paciente",
  "patientSearch.intro": "Busque por nombre, por fecha de nacimiento o por ambos.",
  "patientSearch.name": "Nombre",
  "patientSearch.nameHint":
    "El comienzo del apellido (lop), o el apellido, una coma y el nombre (López, Ana). No importan los acentos ni las mayúsculas.",
  "patientSearch.birthDate": "Fecha de nacimiento",
  "patientSearch.submit": "Buscar",
  "patientSearch.needOne": "Escriba un nombre o una fecha de nacimiento.",
  "patientSearch.tooShort": "Escriba al menos 2 letras del apellido.",
  "patientSearch.badName": "Revise el nombre: {message}",
  "patientSearch.badDate": "Escriba una fecha de nacimiento real, que no sea futura.",
  "patientSearch.searching": "Buscando…",
  "patientSearch.results": "Pacientes encontrados",
  "patientSearch.foundOne": "Se encontró 1 paciente.",
  "patientSearch.foundMany": "Se encontraron {count} pacientes.",
  "patientSearch.none": "Ningún paciente coincide. Revise la ortografía, escriba menos letras o busque por fecha de nacimiento.",
  "patientSearch.truncated": "Solo se muestran los primeros {count}: hay más pacientes que coinciden. Añada la fecha de nacimiento, o el nombre después de una coma, para acotar la búsqueda.",
  "patientSearch.table": "Pacientes encontrados, en una tabla",
  "patientSearch.column.name": "Nombre",
  "patientSearch.column.birthDate": "Fecha de nacimiento",
  "patientSearch.column.portal": "Cuenta del portal",
  "patientSearch.portal.active": "Activa",
  "patientSearch.portal.none": "Sin activar",
  "patientSearch.register": "¿Aún no está registrado? Registrar un paciente",
};
