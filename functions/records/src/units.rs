//! Unit conversion for the common analytes (pure), so one chart shows a patient's whole
//! history whichever unit each source reported in. Each analyte has its own factor (from its
//! molar mass); HbA1c's two scales are related by the IFCC–NGSP master equation, not a factor.
//! A unit that is not one of the analyte's is never guessed at: such points keep their unit.

/// How an analyte's two units relate.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Relation {
    /// `mass = moles × factor` (mg/dL per mmol/L, or per µmol/L).
    Factor(f64),
    /// NGSP % = IFCC mmol/mol / 10.929 + 2.15 (the IFCC–NGSP master equation).
    HbA1c,
}

/// One analyte: its LOINC codes reported in the first unit (mass, or NGSP %) and in the second
/// (moles, or IFCC mmol/mol), the units as UCUM writes them, and how they relate.
struct Analyte {
    first_codes: &'static [&'static str],
    second_codes: &'static [&'static str],
    first_unit: &'static str,
    second_unit: &'static str,
    relation: Relation,
    /// Decimals a converted value keeps in the first and second unit.
    decimals: (i32, i32),
}

/// Glucose 180.16 g/mol: 1 mmol/L = 18.016 mg/dL. Creatinine 113.12 g/mol: 1 mg/dL =
/// 88.42 µmol/L. Cholesterol (total, HDL, LDL) 386.65 g/mol: 1 mmol/L = 38.67 mg/dL.
const ANALYTES: [Analyte; 6] = [
    Analyte {
        // Glucose in serum or plasma, in blood, in capillary blood.
        first_codes: &["2345-7", "2339-0", "41653-7"],
        second_codes: &["14749-6", "15074-8", "14743-9"],
        first_unit: "mg/dL",
        second_unit: "mmol/L",
        relation: Relation::Factor(18.016),
        decimals: (0, 1),
    },
    Analyte {
        first_codes: &["2160-0", "38483-4"],
        second_codes: &["14682-9", "59826-8"],
        first_unit: "mg/dL",
        second_unit: "umol/L",
        relation: Relation::Factor(1.0 / 88.42),
        decimals: (2, 0),
    },
    Analyte {
        // Total cholesterol.
        first_codes: &["2093-3"],
        second_codes: &["14647-2"],
        first_unit: "mg/dL",
        second_unit: "mmol/L",
        relation: Relation::Factor(38.67),
        decimals: (0, 2),
    },
    Analyte {
        // HDL cholesterol.
        first_codes: &["2085-9"],
        second_codes: &["14646-4"],
        first_unit: "mg/dL",
        second_unit: "mmol/L",
        relation: Relation::Factor(38.67),
        decimals: (0, 2),
    },
    Analyte {
        // LDL cholesterol (calculated, direct).
        first_codes: &["13457-7", "18262-6"],
        second_codes: &["22748-8", "39469-2"],
        first_unit: "mg/dL",
        second_unit: "mmol/L",
        relation: Relation::Factor(38.67),
        decimals: (0, 2),
    },
    Analyte {
        // HbA1c: NGSP/DCCT % (4548-4, 17856-6) and IFCC mmol/mol (59261-8).
        first_codes: &["4548-4", "17856-6"],
        second_codes: &["59261-8"],
        first_unit: "%",
        second_unit: "mmol/mol",
        relation: Relation::HbA1c,
        decimals: (1, 0),
    },
];

/// A unit as compared: UCUM case aside, `µ`/`μ` as `u`, and the common spellings of the same
/// unit (`mg/100mL`, `mmol/l`).
fn unit_key(unit: &str) -> String {
    let unit = unit
        .trim()
        .replace(['µ', 'μ'], "u")
        .to_lowercase()
        .replace("100ml", "dl");
    match unit.as_str() {
        "mg%" => "mg/dl".to_owned(),
        "% hb" | "%{hb}" | "%{hba1c}" | "% of total hb" => "%".to_owned(),
        _ => unit,
    }
}

/// Whether two spellings name the same unit (`mmol/L`, `mmol/l`; `µmol/L`, `umol/L`).
pub fn same_unit(a: &str, b: &str) -> bool {
    unit_key(a) == unit_key(b)
}

fn analyte_of(code: &str) -> Option<&'static Analyte> {
    ANALYTES
        .iter()
        .find(|a| a.first_codes.contains(&code) || a.second_codes.contains(&code))
}

/// The LOINC codes that measure the same analyte as `code` (itself included): a series of one
/// joins the others, converted.
pub fn same_analyte(code: &str) -> Vec<&'static str> {
    analyte_of(code)
        .map(|a| {
            a.first_codes
                .iter()
                .chain(a.second_codes)
                .copied()
                .collect()
        })
        .unwrap_or_default()
}

/// The unit a series of `code` is drawn in: the unit its own codes report in. `None` for a code
/// this module does not know.
pub fn chart_unit(code: &str) -> Option<&'static str> {
    let analyte = analyte_of(code)?;
    Some(if analyte.second_codes.contains(&code) {
        analyte.second_unit
    } else {
        analyte.first_unit
    })
}

fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

/// `value` in `unit` as the analyte of `code` in `to` (the chart's unit): `None` when the units
/// are not the analyte's two (then the point keeps its unit). The same unit gives the value
/// back unchanged.
pub fn convert(code: &str, value: f64, unit: &str, to: &str) -> Option<f64> {
    let analyte = analyte_of(code)?;
    let (first, second) = (unit_key(analyte.first_unit), unit_key(analyte.second_unit));
    let (from, to) = (unit_key(unit), unit_key(to));
    if from == to && (from == first || from == second) {
        return Some(value);
    }
    let converted = match (analyte.relation, from == first, to == first) {
        _ if !((from == first && to == second) || (from == second && to == first)) => {
            return None;
        }
        (Relation::Factor(factor), true, false) => value / factor,
        (Relation::Factor(factor), false, true) => value * factor,
        (Relation::HbA1c, true, false) => (value - 2.15) * 10.929,
        (Relation::HbA1c, false, true) => value / 10.929 + 2.15,
        _ => return None,
    };
    let decimals = if to == first {
        analyte.decimals.0
    } else {
        analyte.decimals.1
    };
    Some(round(converted, decimals)).filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glucose_converts_by_its_molar_mass() {
        // 100 mg/dL / 18.016 = 5.55 mmol/L (one decimal); 5.4 mmol/L × 18.016 = 97.3 mg/dL.
        assert_eq!(convert("2345-7", 100.0, "mg/dL", "mmol/L"), Some(5.6));
        assert_eq!(convert("14749-6", 5.4, "mmol/L", "mg/dL"), Some(97.0));
        assert_eq!(convert("2345-7", 7.0, "mmol/l", "mg/dL"), Some(126.0));
        assert_eq!(convert("2345-7", 99.0, "mg/dL", "mg/dL"), Some(99.0));
    }

    #[test]
    fn creatinine_and_cholesterol_have_their_own_factors() {
        // 1.0 mg/dL × 88.42 = 88 µmol/L; 88.4 µmol/L / 88.42 = 1.00 mg/dL.
        assert_eq!(convert("2160-0", 1.0, "mg/dL", "umol/L"), Some(88.0));
        assert_eq!(convert("14682-9", 88.4, "µmol/L", "mg/dL"), Some(1.0));
        assert_eq!(convert("2160-0", 0.9, "mg/dL", "μmol/L"), Some(80.0));
        // 200 mg/dL / 38.67 = 5.17 mmol/L; 5.2 mmol/L × 38.67 = 201 mg/dL.
        assert_eq!(convert("2093-3", 200.0, "mg/dL", "mmol/L"), Some(5.17));
        assert_eq!(convert("14647-2", 5.2, "mmol/L", "mg/dL"), Some(201.0));
        // The same unit spelt another way.
        assert_eq!(convert("2093-3", 200.0, "mg/100mL", "mmol/L"), Some(5.17));
    }

    #[test]
    fn hba1c_follows_the_ifcc_ngsp_master_equation() {
        // IFCC = (NGSP − 2.15) × 10.929: 6.5 % → 47.5 → 48 mmol/mol; 7.0 % → 53 mmol/mol.
        assert_eq!(convert("4548-4", 6.5, "%", "mmol/mol"), Some(48.0));
        assert_eq!(convert("4548-4", 7.0, "%", "mmol/mol"), Some(53.0));
        // NGSP = IFCC / 10.929 + 2.15: 53 mmol/mol → 7.0 %; 42 → 6.0 %.
        assert_eq!(convert("59261-8", 53.0, "mmol/mol", "%"), Some(7.0));
        assert_eq!(convert("59261-8", 42.0, "mmol/mol", "%"), Some(6.0));
        // Not a factor: 10 % is not twice 5 %.
        assert_eq!(convert("4548-4", 5.0, "%", "mmol/mol"), Some(31.0));
        assert_eq!(convert("4548-4", 10.0, "%", "mmol/mol"), Some(86.0));
    }

    #[test]
    fn unknown_units_and_codes_are_never_guessed() {
        assert_eq!(convert("2345-7", 5.0, "g/L", "mg/dL"), None);
        assert_eq!(convert("4548-4", 6.0, "mg/dL", "%"), None);
        assert_eq!(convert("29463-7", 70.0, "kg", "[lb_av]"), None);
        assert_eq!(chart_unit("59261-8"), Some("mmol/mol"));
        assert_eq!(chart_unit("4548-4"), Some("%"));
        assert_eq!(chart_unit("8480-6"), None);
        assert!(same_analyte("2345-7").contains(&"14749-6"));
        assert!(same_analyte("8480-6").is_empty());
    }
}
