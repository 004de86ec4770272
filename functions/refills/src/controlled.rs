//! Controlled substances: a refill of one is never renewed through the portal (US federal law
//! limits how they are prescribed and refilled; the practice renews them at a visit).
//!
//! Sources: the DEA's schedules of controlled substances (21 CFR 1308.12–1308.15, the
//! "Orange Book" list of controlled substances by schedule) for the schedule of each
//! ingredient, and RxNorm (National Library of Medicine) for the ingredient concepts' RxCUIs
//! (term type IN). The table covers the ingredients a family practice meets in schedules II
//! to V: opioids, stimulants, benzodiazepines, the "z-drugs", barbiturates, gabapentinoids,
//! anabolic steroids, muscle relaxants, anaesthetics and cannabinoids. Where an ingredient's
//! RxCUI was not verified it is left out (`None`) and the name alone matches. A few common
//! brand names are matched too, since patients' records from other portals often carry only
//! text ("Xanax 0.5 mg").
//!
//! Limitation: a record usually codes the product (an RxNorm SCD or SBD such as "oxycodone
//! hydrochloride 5 MG Oral Tablet"), not the ingredient, and product-to-ingredient relations
//! cannot be resolved offline. So a coding matches by an ingredient RxCUI when the record
//! carries one, and otherwise by the ingredient's (or a brand's) name as a word of the
//! coding's display or the medication's text. A product coded without any display or text
//! naming it is not recognised; the clinician deciding the request is the last check.

/// The RxNorm code system.
pub const RXNORM: &str = "http://www.nlm.nih.gov/research/umls/rxnorm";

/// A DEA schedule (I is never prescribed, so not listed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(clippy::upper_case_acronyms)] // Roman numerals, as the DEA writes them.
pub enum Schedule {
    II,
    III,
    IV,
    V,
}

/// One controlled ingredient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Controlled {
    /// The RxNorm ingredient concept (TTY IN), when verified.
    pub rxcui: Option<&'static str>,
    /// The ingredient's name, lower case (a single word).
    pub ingredient: &'static str,
    pub schedule: Schedule,
    /// Brand names that name only this ingredient (or a combination with it), lower case.
    pub brands: &'static [&'static str],
}

const fn entry(
    rxcui: Option<&'static str>,
    ingredient: &'static str,
    schedule: Schedule,
    brands: &'static [&'static str],
) -> Controlled {
    Controlled {
        rxcui,
        ingredient,
        schedule,
        brands,
    }
}

use Schedule::{II, III, IV, V};

/// The controlled ingredients (see the module's sources).
pub const CONTROLLED: &[Controlled] = &[
    // Opioids.
    entry(
        Some("7804"),
        "oxycodone",
        II,
        &["oxycontin", "percocet", "roxicodone", "xtampza"],
    ),
    entry(
        Some("5489"),
        "hydrocodone",
        II,
        &["vicodin", "norco", "lortab", "hysingla", "zohydro"],
    ),
    entry(Some("7052"), "morphine", II, &["ms contin", "kadian"]),
    entry(Some("4337"), "fentanyl", II, &["duragesic", "actiq"]),
    entry(Some("3423"), "hydromorphone", II, &["dilaudid", "exalgo"]),
    entry(Some("7814"), "oxymorphone", II, &["opana"]),
    entry(Some("6813"), "methadone", II, &["dolophine", "methadose"]),
    entry(Some("787390"), "tapentadol", II, &["nucynta"]),
    entry(
        Some("2670"),
        "codeine",
        II,
        &["tylenol #3", "tylenol-codeine"],
    ),
    entry(Some("6754"), "meperidine", II, &["demerol"]),
    entry(Some("6378"), "levorphanol", II, &[]),
    entry(Some("23088"), "dihydrocodeine", III, &[]),
    entry(
        Some("1819"),
        "buprenorphine",
        III,
        &[
            "suboxone",
            "subutex",
            "zubsolv",
            "butrans",
            "belbuca",
            "sublocade",
        ],
    ),
    entry(
        Some("10689"),
        "tramadol",
        IV,
        &["ultram", "ultracet", "conzip"],
    ),
    entry(Some("1841"), "butorphanol", IV, &[]),
    entry(Some("8001"), "pentazocine", IV, &[]),
    entry(None, "diphenoxylate", V, &["lomotil"]),
    // Stimulants.
    entry(
        Some("725"),
        "amphetamine",
        II,
        &["adderall", "evekeo", "adzenys"],
    ),
    entry(
        Some("3288"),
        "dextroamphetamine",
        II,
        &["dexedrine", "zenzedi"],
    ),
    entry(Some("700810"), "lisdexamfetamine", II, &["vyvanse"]),
    entry(
        Some("6901"),
        "methylphenidate",
        II,
        &["ritalin", "concerta", "metadate", "quillichew", "daytrana"],
    ),
    entry(Some("40114"), "dexmethylphenidate", II, &["focalin"]),
    entry(Some("6816"), "methamphetamine", II, &["desoxyn"]),
    entry(
        Some("8152"),
        "phentermine",
        IV,
        &["adipex", "lomaira", "qsymia"],
    ),
    entry(None, "phendimetrazine", III, &[]),
    entry(None, "diethylpropion", IV, &[]),
    entry(Some("30125"), "modafinil", IV, &["provigil"]),
    entry(Some("641465"), "armodafinil", IV, &["nuvigil"]),
    entry(None, "solriamfetol", IV, &["sunosi"]),
    // Benzodiazepines.
    entry(Some("596"), "alprazolam", IV, &["xanax"]),
    entry(Some("6470"), "lorazepam", IV, &["ativan"]),
    entry(Some("3322"), "diazepam", IV, &["valium"]),
    entry(Some("2598"), "clonazepam", IV, &["klonopin"]),
    entry(Some("10355"), "temazepam", IV, &["restoril"]),
    entry(Some("2356"), "chlordiazepoxide", IV, &["librium", "librax"]),
    entry(Some("2353"), "clorazepate", IV, &["tranxene"]),
    entry(Some("10767"), "triazolam", IV, &["halcion"]),
    entry(Some("6960"), "midazolam", IV, &["nayzilam"]),
    entry(Some("7781"), "oxazepam", IV, &[]),
    entry(Some("21241"), "clobazam", IV, &["onfi", "sympazan"]),
    entry(None, "estazolam", IV, &[]),
    entry(None, "flurazepam", IV, &[]),
    // "Z-drugs" and other sleep medicines.
    entry(
        Some("39993"),
        "zolpidem",
        IV,
        &["ambien", "edluar", "intermezzo"],
    ),
    entry(Some("74667"), "zaleplon", IV, &["sonata"]),
    entry(Some("461016"), "eszopiclone", IV, &["lunesta"]),
    entry(None, "suvorexant", IV, &["belsomra"]),
    entry(None, "lemborexant", IV, &["dayvigo"]),
    entry(None, "oxybate", III, &["xyrem", "xywav", "lumryz"]),
    // Barbiturates.
    entry(Some("8134"), "phenobarbital", IV, &[]),
    entry(None, "butalbital", III, &["fiorinal"]),
    entry(None, "secobarbital", II, &["seconal"]),
    entry(None, "pentobarbital", II, &["nembutal"]),
    // Gabapentinoids and other anticonvulsants.
    entry(Some("187832"), "pregabalin", V, &["lyrica"]),
    entry(Some("623404"), "lacosamide", V, &["vimpat"]),
    entry(None, "brivaracetam", V, &["briviact"]),
    entry(None, "cenobamate", V, &["xcopri"]),
    // Anabolic steroids.
    entry(
        Some("10379"),
        "testosterone",
        III,
        &[
            "androgel",
            "testim",
            "axiron",
            "depo-testosterone",
            "xyosted",
            "jatenzo",
        ],
    ),
    entry(None, "nandrolone", III, &[]),
    entry(None, "oxandrolone", III, &[]),
    // Muscle relaxants.
    entry(Some("2101"), "carisoprodol", IV, &["soma"]),
    // Anaesthetics.
    entry(Some("6130"), "ketamine", III, &[]),
    entry(None, "esketamine", III, &["spravato"]),
    // Cannabinoids.
    entry(None, "dronabinol", III, &["marinol", "syndros"]),
    entry(None, "nabilone", II, &["cesamet"]),
    // Others seen in primary care.
    entry(None, "lorcaserin", IV, &["belviq"]),
    entry(None, "eluxadoline", IV, &["viberzi"]),
];

/// The controlled ingredient an RxNorm ingredient code names.
pub fn by_rxcui(code: &str) -> Option<&'static Controlled> {
    let code = code.trim();
    CONTROLLED.iter().find(|c| c.rxcui == Some(code))
}

/// The controlled ingredient a text names: an ingredient or a brand as a whole word (or words,
/// for brands like "ms contin"), case-insensitive. "Dextroamphetamine" does not name
/// "amphetamine", but both are listed.
pub fn named_in(text: &str) -> Option<&'static Controlled> {
    let words = words_of(text);
    CONTROLLED.iter().find(|c| {
        contains_words(&words, c.ingredient) || c.brands.iter().any(|b| contains_words(&words, b))
    })
}

/// The text's words, lower case: letters and digits, split at anything else (spaces, "/",
/// "-", brackets, digits next to letters stay joined: "5mg").
fn words_of(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '#'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Whether `name`'s words occur consecutively in `words`.
fn contains_words(words: &[String], name: &str) -> bool {
    let wanted = words_of(name);
    !wanted.is_empty() && words.windows(wanted.len()).any(|w| w == wanted.as_slice())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_is_well_formed_and_listed_once() {
        let mut names = std::collections::HashSet::new();
        let mut codes = std::collections::HashSet::new();
        for c in CONTROLLED {
            assert_eq!(c.ingredient, c.ingredient.to_lowercase());
            assert!(names.insert(c.ingredient), "{} twice", c.ingredient);
            if let Some(code) = c.rxcui {
                assert!(code.bytes().all(|b| b.is_ascii_digit()), "{code}");
                assert!(codes.insert(code), "{code} twice");
            }
            for brand in c.brands {
                assert_eq!(*brand, brand.to_lowercase());
                assert!(names.insert(brand), "{brand} twice");
            }
        }
        // The classes the design names are all there.
        for required in [
            "tramadol",
            "codeine",
            "buprenorphine",
            "methadone",
            "tapentadol",
            "amphetamine",
            "dextroamphetamine",
            "lisdexamfetamine",
            "methylphenidate",
            "modafinil",
            "armodafinil",
            "alprazolam",
            "zolpidem",
            "phenobarbital",
            "pregabalin",
            "testosterone",
            "carisoprodol",
            "ketamine",
            "dronabinol",
            "nabilone",
        ] {
            assert!(
                CONTROLLED.iter().any(|c| c.ingredient == required),
                "{required}"
            );
        }
    }

    #[test]
    fn ingredient_codes_match() {
        assert_eq!(by_rxcui("7804").map(|c| c.ingredient), Some("oxycodone"));
        assert_eq!(by_rxcui(" 10689 ").map(|c| c.schedule), Some(Schedule::IV));
        // Metformin (6809) and a product code are not in the table.
        assert_eq!(by_rxcui("6809"), None);
        assert_eq!(by_rxcui("860975"), None);
    }

    #[test]
    fn names_match_as_whole_words_in_any_case() {
        let name = |text: &str| named_in(text).map(|c| c.ingredient);
        assert_eq!(
            name("Oxycodone Hydrochloride 5 MG Oral Tablet"),
            Some("oxycodone")
        );
        assert_eq!(
            name("Acetaminophen 325 MG / HYDROcodone Bitartrate 5 MG Oral Tablet"),
            Some("hydrocodone")
        );
        assert_eq!(name("hydrocodone-APAP 5/325"), Some("hydrocodone"));
        assert_eq!(name("Xanax 0.5mg tabs"), Some("alprazolam"));
        assert_eq!(name("MS Contin 15 mg"), Some("morphine"));
        assert_eq!(name("Tylenol #3"), Some("codeine"));
        assert_eq!(
            name("24 HR Dextroamphetamine saccharate 1.25 MG / Amphetamine aspartate"),
            Some("amphetamine")
        );
        assert_eq!(name("dextroamphetamine 5 mg"), Some("dextroamphetamine"));
        // Not controlled, or only part of a word.
        assert_eq!(name("Metformin hydrochloride 500 MG Oral Tablet"), None);
        assert_eq!(name("Lisinopril 10 mg"), None);
        assert_eq!(name("Gabapentin 300 MG Oral Capsule"), None);
        assert_eq!(name("Sumatriptan"), None);
        assert_eq!(name("Codeinex"), None);
        assert_eq!(name("Somatostatin"), None);
        assert_eq!(name(""), None);
    }
}
