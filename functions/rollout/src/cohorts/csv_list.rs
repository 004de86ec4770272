//! Reading a practice's list of patients (CSV, as a spreadsheet or a practice system exports
//! it) into one person per row, before anything is written.
//!
//! The file as a whole must be readable, or the upload is refused and nothing is written:
//! `text/csv` (415), at most [`MAX_UPLOAD_BYTES`] (413), UTF-8 text (400), a header row naming
//! the required columns (422, each missing column named), at most [`MAX_ROWS`] rows (422).
//! Each row is then read on its own: a row with a missing or invalid value is refused with the
//! reason, naming the column, and the others go on.
//!
//! Columns, found by their header whatever its case, spacing or punctuation (`Last Name`,
//! `last_name`, `SURNAME`): `family_name` (or `last_name`, `surname`), `given_name`
//! (`first_name`, `forename`), `date_of_birth` (`dob`, `birth_date`; written `YYYY-MM-DD`), and
//! optionally `email`, `phone` (international, `+1 555 555 0101`) and `sex` (`female`, `male`,
//! `other`, `unknown`; `unknown` when absent). Other columns are ignored. The delimiter is a
//! comma, or a semicolon or tab when the header row uses that instead.

use portal_shared::ApiError;
use portal_shared::domain::person::{DateOfBirth, Email, LegalName, Name, Phone, Sex};

/// The largest file read (the WAF lets bodies this large through on this route alone).
pub const MAX_UPLOAD_BYTES: usize = 1024 * 1024;
/// The most rows one upload may hold (besides the header row).
pub const MAX_ROWS: usize = 2_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    FamilyName,
    GivenName,
    DateOfBirth,
    Email,
    Phone,
    Sex,
}

impl Column {
    const ALL: [Column; 6] = [
        Column::FamilyName,
        Column::GivenName,
        Column::DateOfBirth,
        Column::Email,
        Column::Phone,
        Column::Sex,
    ];

    /// The name the API's messages use.
    fn name(self) -> &'static str {
        match self {
            Column::FamilyName => "family_name",
            Column::GivenName => "given_name",
            Column::DateOfBirth => "date_of_birth",
            Column::Email => "email",
            Column::Phone => "phone",
            Column::Sex => "sex",
        }
    }

    fn required(self) -> bool {
        matches!(
            self,
            Column::FamilyName | Column::GivenName | Column::DateOfBirth
        )
    }

    /// The spellings of the header (letters and digits only, lower case).
    fn spellings(self) -> &'static [&'static str] {
        match self {
            Column::FamilyName => &["familyname", "lastname", "surname", "family"],
            Column::GivenName => &[
                "givenname",
                "givennames",
                "firstname",
                "firstnames",
                "forename",
                "forenames",
                "given",
            ],
            Column::DateOfBirth => &["dateofbirth", "dob", "birthdate", "birthday"],
            Column::Email => &["email", "emailaddress", "mail"],
            Column::Phone => &[
                "phone",
                "phonenumber",
                "mobile",
                "mobilephone",
                "mobilenumber",
                "cellphone",
                "telephone",
                "tel",
            ],
            Column::Sex => &["sex", "gender"],
        }
    }

    fn of_header(raw: &str) -> Option<Column> {
        let folded: String = raw
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        Column::ALL
            .into_iter()
            .find(|column| column.spellings().contains(&folded.as_str()))
    }

    /// How a missing required column is explained.
    fn missing(self) -> String {
        let also = match self {
            Column::FamilyName => "last_name, surname",
            Column::GivenName => "first_name, forename",
            _ => "dob, birth_date",
        };
        format!(
            "is a required column: the header row names no {} (nor {also})",
            self.name()
        )
    }
}

/// One person of the list, every value valid.
#[derive(Debug, Clone)]
pub struct Person {
    pub legal_name: LegalName,
    pub date_of_birth: DateOfBirth,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    pub sex: Sex,
}

/// One data row: its number (the header row is row 1, as a spreadsheet counts), and the
/// person on it or why it was refused (naming the columns, never quoting their values).
#[derive(Debug)]
pub struct Row {
    pub number: usize,
    pub read: Result<Person, String>,
}

/// Reads the upload, or refuses the file as a whole (nothing is written then).
pub fn read(content_type: Option<&str>, bytes: &[u8]) -> Result<Vec<Row>, ApiError> {
    let essence = content_type
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim();
    if !essence.eq_ignore_ascii_case("text/csv") {
        return Err(ApiError::UnsupportedMediaType {
            expected: "text/csv",
        });
    }
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(ApiError::PayloadTooLarge {
            limit_bytes: MAX_UPLOAD_BYTES,
        });
    }
    let not_text = || {
        ApiError::Malformed(
            "The file is not CSV text: export the list as CSV (UTF-8) from the spreadsheet or \
             practice system."
                .into(),
        )
    };
    let text = std::str::from_utf8(bytes).map_err(|_| not_text())?;
    if text.contains('\0') {
        return Err(not_text());
    }
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);

    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter_of(text))
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|_| not_text())?.clone();
    if headers.iter().all(str::is_empty) {
        return Err(ApiError::invalid(
            "body",
            "is empty: the first row must name the columns (family_name, given_name, \
             date_of_birth, and optionally email, phone, sex)",
        ));
    }
    let columns = columns_of(&headers)?;

    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|_| not_text())?;
        if record.iter().all(str::is_empty) {
            continue;
        }
        if rows.len() == MAX_ROWS {
            return Err(ApiError::invalid(
                "body",
                format!("has more than {MAX_ROWS} rows: upload the list in parts"),
            ));
        }
        let read = if record.len() == headers.len() {
            person(&columns, &record)
        } else {
            Err(format!(
                "has {} fields where the header row has {}",
                record.len(),
                headers.len()
            ))
        };
        rows.push(Row {
            number: index + 2,
            read,
        });
    }
    if rows.is_empty() {
        return Err(ApiError::invalid(
            "body",
            "has no rows after the header row",
        ));
    }
    Ok(rows)
}

/// A comma, unless the header row holds more semicolons or tabs (lists saved by spreadsheets
/// set to languages that write a decimal comma).
fn delimiter_of(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    let count = |c: char| header.chars().filter(|x| *x == c).count();
    let (commas, semicolons, tabs) = (count(','), count(';'), count('\t'));
    if semicolons > commas && semicolons >= tabs {
        b';'
    } else if tabs > commas && tabs > semicolons {
        b'\t'
    } else {
        b','
    }
}

/// Which field of a row holds each column; every required column present, none twice.
fn columns_of(headers: &csv::StringRecord) -> Result<Vec<(Column, usize)>, ApiError> {
    let mut found: Vec<(Column, usize)> = Vec::new();
    let mut errors = portal_shared::platform::validation::FieldErrors::new();
    for (index, header) in headers.iter().enumerate() {
        let Some(column) = Column::of_header(header) else {
            continue;
        };
        if found.iter().any(|(seen, _)| *seen == column) {
            errors.add(column.name(), "is named twice in the header row");
        } else {
            found.push((column, index));
        }
    }
    for column in Column::ALL {
        if column.required() && !found.iter().any(|(seen, _)| *seen == column) {
            errors.add(column.name(), column.missing());
        }
    }
    errors.finish()?;
    Ok(found)
}

fn person(columns: &[(Column, usize)], record: &csv::StringRecord) -> Result<Person, String> {
    let value = |wanted: Column| {
        columns
            .iter()
            .find(|(column, _)| *column == wanted)
            .and_then(|(_, index)| record.get(*index))
            .filter(|value| !value.is_empty())
    };
    let mut problems: Vec<String> = Vec::new();
    let mut required =
        |column: Column, parse: &dyn Fn(&str) -> Result<(), String>| match value(column) {
            None => problems.push(format!("{}: is required", column.name())),
            Some(raw) => {
                if let Err(message) = parse(raw) {
                    problems.push(format!("{}: {message}", column.name()));
                }
            }
        };
    required(Column::FamilyName, &|raw| Name::parse(raw).map(drop));
    required(Column::GivenName, &|raw| Name::parse(raw).map(drop));
    required(Column::DateOfBirth, &|raw| {
        DateOfBirth::parse(raw).map(drop)
    });
    let optional =
        |column: Column, problems: &mut Vec<String>, parse: &dyn Fn(&str) -> Result<(), String>| {
            if let Some(raw) = value(column)
                && let Err(message) = parse(raw)
            {
                problems.push(format!("{}: {message}", column.name()));
            }
        };
    optional(Column::Email, &mut problems, &|raw| {
        Email::parse(raw).map(drop)
    });
    optional(Column::Phone, &mut problems, &|raw| {
        Phone::parse(raw).map(drop)
    });
    optional(Column::Sex, &mut problems, &|raw| sex(raw).map(drop));
    if !problems.is_empty() {
        return Err(problems.join("; "));
    }
    // Every value parsed above: parsing again cannot fail.
    let parsed = || -> Option<Person> {
        Some(Person {
            legal_name: LegalName {
                family: Name::parse(value(Column::FamilyName)?).ok()?,
                given: Name::parse(value(Column::GivenName)?).ok()?,
            },
            date_of_birth: DateOfBirth::parse(value(Column::DateOfBirth)?).ok()?,
            email: value(Column::Email).and_then(|raw| Email::parse(raw).ok()),
            phone: value(Column::Phone).and_then(|raw| Phone::parse(raw).ok()),
            sex: value(Column::Sex)
                .and_then(|raw| sex(raw).ok())
                .unwrap_or(Sex::Unknown),
        })
    };
    parsed().ok_or_else(|| "could not be read".to_owned())
}

fn sex(raw: &str) -> Result<Sex, String> {
    match raw.to_ascii_lowercase().as_str() {
        "female" | "f" => Ok(Sex::Female),
        "male" | "m" => Ok(Sex::Male),
        "other" => Ok(Sex::Other),
        "unknown" => Ok(Sex::Unknown),
        _ => Err("must be female, male, other or unknown".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<Row> {
        read(Some("text/csv; charset=utf-8"), text.as_bytes()).expect("readable")
    }

    fn fields(error: ApiError) -> Vec<String> {
        match error {
            ApiError::Invalid(errors) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected field errors, got {other:?}"),
        }
    }

    #[test]
    fn headers_are_found_in_any_common_spelling() {
        let list = rows(
            "\u{FEFF}Last Name;First Name;DOB;E-mail;Mobile;Gender;MRN\n\
             López;Ana María;1984-03-12;ana@example.org;+1 555 555 0101;F;123\n",
        );
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].number, 2);
        let person = list[0].read.as_ref().expect("valid");
        assert_eq!(person.legal_name.family.as_str(), "López");
        assert_eq!(person.legal_name.given.as_str(), "Ana María");
        assert_eq!(person.sex, Sex::Female);
        assert_eq!(
            person.phone.as_ref().map(Phone::as_str),
            Some("+15555550101")
        );
    }

    #[test]
    fn a_bad_row_names_its_columns_and_never_its_values() {
        let list = rows(
            "family_name,given_name,date_of_birth,email\n\
             Lopez,,12/03/1984,not-an-email\n\
             ,,,\n\
             \"Smith, Jr\",John,1990-01-02,\n\
             Short,Row\n",
        );
        assert_eq!(list.len(), 3, "the empty row is skipped");
        let reason = list[0].read.as_ref().expect_err("refused");
        assert!(reason.contains("given_name: is required"), "{reason}");
        assert!(reason.contains("date_of_birth: must be a date"), "{reason}");
        assert!(reason.contains("email: must be an email"), "{reason}");
        assert!(
            !reason.contains("Lopez") && !reason.contains("12/03"),
            "{reason}"
        );
        assert_eq!(list[1].number, 4);
        assert_eq!(
            list[1]
                .read
                .as_ref()
                .expect("quoted commas")
                .legal_name
                .family
                .as_str(),
            "Smith, Jr"
        );
        assert_eq!(list[2].number, 5);
        assert!(
            list[2]
                .read
                .as_ref()
                .expect_err("short")
                .contains("has 2 fields")
        );
    }

    #[test]
    fn an_unreadable_file_is_refused_whole() {
        let csv = |text: &str| read(Some("text/csv"), text.as_bytes());
        assert!(matches!(
            read(Some("application/json"), b"{}"),
            Err(ApiError::UnsupportedMediaType {
                expected: "text/csv",
            })
        ));
        assert!(matches!(
            read(None, b"a,b"),
            Err(ApiError::UnsupportedMediaType {
                expected: "text/csv",
            })
        ));
        assert!(matches!(
            read(Some("text/csv"), &[0xff, 0xfe, 0x00, 0x41]),
            Err(ApiError::Malformed(_))
        ));
        assert!(matches!(
            read(Some("text/csv"), &vec![b'a'; MAX_UPLOAD_BYTES + 1]),
            Err(ApiError::PayloadTooLarge { .. })
        ));
        assert_eq!(fields(csv("").unwrap_err()), vec!["body"]);
        assert_eq!(
            fields(csv("{\"patients\": []}").unwrap_err()),
            vec!["family_name", "given_name", "date_of_birth"]
        );
        assert_eq!(
            fields(csv("surname,last_name,given_name,dob\nA,B,C,1990-01-01\n").unwrap_err()),
            vec!["family_name"]
        );
        assert_eq!(
            fields(csv("surname,given_name,dob\n").unwrap_err()),
            vec!["body"]
        );
        let mut long = String::from("surname,given_name,dob\n");
        for _ in 0..=MAX_ROWS {
            long.push_str("Lopez,Ana,1984-03-12\n");
        }
        assert_eq!(fields(csv(&long).unwrap_err()), vec!["body"]);
    }
}
