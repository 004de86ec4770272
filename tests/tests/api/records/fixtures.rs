//! Real bundles from other systems (`tests/fixtures/fhir/`, copied unchanged from the team's
//! reference folder with their origins and licences in its README): each must import with a
//! sensible report and come back out in a valid export holding, type by type, every clinical
//! resource that went in, each under the organisation that reported it, the clinicians and
//! places its records name, and no reference that resolves nowhere.

use std::collections::{BTreeMap, BTreeSet};

use portal_records::fhir::{Kind, kind_of};
use portal_tests::fhir::validate_r4_bundle;
use portal_tests::{Actor, TestApp, spawn_app, workspace_root};
use serde_json::Value;

/// Every page of a patient's export (small pages, so the paging is exercised too), each checked
/// by the R4 validator: the entries by fullUrl (the Patient and the Organizations repeat on
/// every page), or the problems found.
async fn whole_export(
    app: &TestApp,
    patient_id: &str,
    who: &Actor,
) -> Result<BTreeMap<String, Value>, String> {
    let mut entries = BTreeMap::new();
    let mut path = Some(format!("/patients/{patient_id}/export?_count=50"));
    let mut pages = 0;
    while let Some(next) = path.take() {
        let reply = app.get(&next, who).await;
        if reply.status != 200 {
            return Err(format!("export page {pages}: {}", reply.status));
        }
        validate_r4_bundle(&reply.body)
            .map_err(|complaint| format!("export page {pages} not valid R4: {complaint}"))?;
        for entry in reply.body["entry"].as_array().into_iter().flatten() {
            let url = entry["fullUrl"].as_str().unwrap_or_default().to_owned();
            entries.insert(url, entry["resource"].clone());
        }
        path = reply.body["link"]
            .as_array()
            .and_then(|links| links.iter().find(|l| l["relation"] == "next"))
            .and_then(|l| l["url"].as_str())
            .map(str::to_owned);
        pages += 1;
        if pages > 100 {
            return Err("the export's pages do not end".into());
        }
    }
    Ok(entries)
}

fn count_types<'a>(resources: impl Iterator<Item = &'a Value>) -> BTreeMap<String, u64> {
    let mut per_type = BTreeMap::new();
    for resource in resources {
        let kind = resource["resourceType"].as_str().unwrap_or("").to_owned();
        *per_type.entry(kind).or_default() += 1;
    }
    per_type
}

#[tokio::test]
async fn every_shared_fixture_bundle_imports_with_a_sensible_report() {
    let folder = workspace_root().join("tests/fixtures/fhir");
    let listing = std::fs::read_dir(&folder).expect("the fixture bundles");
    let mut files: Vec<_> = listing
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 7, "{files:?}");
    let app = spawn_app().await;
    let mut failures = Vec::new();
    for path in files {
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let text = std::fs::read_to_string(&path).expect("readable");
        let bundle: Value = serde_json::from_str(&text).expect("JSON");
        let entries = bundle["entry"].as_array().expect("entries");
        let per_type = count_types(entries.iter().map(|e| &e["resource"]));
        let organization_names: BTreeSet<String> = entries
            .iter()
            .filter(|e| e["resource"]["resourceType"] == "Organization")
            .filter_map(|e| e["resource"]["name"].as_str())
            .map(str::to_owned)
            .collect();
        // Another person's file: only staff who checked it may import it for this patient.
        let patient = app.new_patient().await;
        let reply = app
            .import_bundle(
                &patient.id,
                &app.front_desk,
                &bundle,
                "?confirmPatientMismatch=true&source=Fixture%20sender",
            )
            .await;
        if reply.status != 201 {
            failures.push(format!("{name}: {} {}", reply.status, reply.body));
            continue;
        }
        let report = &reply.body;
        // Shown with --nocapture (and on failure): what each real bundle turned into.
        println!(
            "{name}: imported {} skipped {} sources {} warnings {}",
            report["imported"], report["skipped"], report["sources"], report["warningCount"]
        );
        let imported = report["importedTotal"].as_u64().unwrap_or(0);
        let skipped = report["skippedTotal"].as_u64().unwrap_or(0);
        let errors = report["errors"].as_array().map_or(0, Vec::len) as u64;
        let mut problems = Vec::new();
        if report["entries"].as_u64() != Some(entries.len() as u64) {
            problems.push("entries miscounted".to_owned());
        }
        if imported + skipped + errors != entries.len() as u64 {
            problems.push(format!(
                "{imported} imported + {skipped} skipped + {errors} errors != {} entries",
                entries.len()
            ));
        }
        if imported == 0 || errors > 0 {
            problems.push(format!("imported {imported}, errors {}", report["errors"]));
        }
        // What became of every entry: one outcome each, in order, with a reason unless
        // imported; per type, what was sent and what became of it.
        let outcomes = report["entryOutcomes"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let positions: Vec<u64> = outcomes
            .iter()
            .filter_map(|o| o["entry"].as_u64())
            .collect();
        if positions != (0..entries.len() as u64).collect::<Vec<_>>()
            || report["entryOutcomeCount"].as_u64() != Some(entries.len() as u64)
        {
            problems.push(format!("entry outcomes {positions:?}"));
        }
        for o in &outcomes {
            let known = ["imported", "merged", "skipped", "refused"]
                .contains(&o["outcome"].as_str().unwrap_or(""));
            if !known || (o["outcome"] != "imported" && !o["reason"].is_string()) {
                problems.push(format!("entry outcome {o}"));
            }
        }
        for (resource_type, sent) in &per_type {
            let counts = &report["perType"][resource_type.as_str()];
            let sum: u64 = ["imported", "merged", "skipped", "refused"]
                .iter()
                .map(|k| counts[*k].as_u64().unwrap_or(0))
                .sum();
            let kept =
                counts["imported"].as_u64().unwrap_or(0) + counts["merged"].as_u64().unwrap_or(0);
            if counts["sent"].as_u64() != Some(*sent)
                || sum != *sent
                || (kind_of(resource_type) == Kind::Clinical && kept != *sent)
            {
                problems.push(format!("{resource_type}: {sent} sent, reported {counts}"));
            }
        }
        for financial in ["Claim", "ExplanationOfBenefit", "Coverage"] {
            let sent = per_type.get(financial).copied().unwrap_or(0);
            let reported = report["skipped"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|s| s["resourceType"] == financial)
                .and_then(|s| s["count"].as_u64())
                .unwrap_or(0);
            if sent != reported || report["imported"].get(financial).is_some() {
                problems.push(format!("{financial}: {sent} sent, {reported} skipped"));
            }
        }
        // Each Organization the records name is a source of its own; the uploader's label is
        // only for records the bundle attributes to none.
        let sources: BTreeSet<String> = report["sources"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s["name"].as_str())
            .map(str::to_owned)
            .collect();
        let organization_sources: BTreeSet<String> =
            sources.intersection(&organization_names).cloned().collect();
        if sources.is_empty() || (!organization_names.is_empty() && organization_sources.is_empty())
        {
            problems.push(format!("sources {}", report["sources"]));
        }
        if let Some(expected) = expected_organization_sources(&name)
            && organization_sources.len() != expected
        {
            problems.push(format!(
                "{} organisation sources, {expected} expected: {organization_sources:?}",
                organization_sources.len()
            ));
        }
        match whole_export(app, &patient.id, &app.clinician).await {
            Err(problem) => problems.push(problem),
            Ok(exported) => {
                let out = count_types(exported.values());
                let types: BTreeSet<&String> = per_type.keys().chain(out.keys()).collect();
                for resource_type in types {
                    let sent = per_type.get(resource_type).copied().unwrap_or(0);
                    let back = out.get(resource_type).copied().unwrap_or(0);
                    let expected = match resource_type.as_str() {
                        "Patient" => 1,
                        // Who and where the records name: kept (once per source naming
                        // them), checked by the references below.
                        "Practitioner" | "PractitionerRole" | "Location" => back.max(1),
                        // One per source, and the organisations the records name besides.
                        "Organization" => back.max(sources.len() as u64),
                        t if kind_of(t) == Kind::Clinical => sent,
                        _ => 0,
                    };
                    if back != expected {
                        problems.push(format!(
                            "{resource_type}: {sent} in, {back} out of the export, {expected} expected"
                        ));
                    }
                    let imported_here = report["imported"][resource_type.as_str()]
                        .as_u64()
                        .unwrap_or(0);
                    if kind_of(resource_type) == Kind::Clinical && imported_here != sent {
                        problems.push(format!(
                            "{resource_type}: {sent} in, {imported_here} imported"
                        ));
                    }
                }
                // Every exported record names its source, one of the sources listed.
                let organizations: BTreeSet<String> = exported
                    .values()
                    .filter(|r| r["resourceType"] == "Organization")
                    .filter_map(|r| r["id"].as_str())
                    .map(|id| format!("https://patient-portal.dev/fhir/sources/{id}"))
                    .collect();
                let unsourced = exported
                    .values()
                    .filter(|r| {
                        !matches!(r["resourceType"].as_str(), Some("Patient" | "Organization"))
                    })
                    .filter(|r| {
                        r["meta"]["source"]
                            .as_str()
                            .is_none_or(|s| !organizations.contains(s))
                    })
                    .count();
                if unsourced > 0 {
                    problems.push(format!(
                        "{unsourced} exported resources without their source"
                    ));
                }
                let dangling = dangling_references(&exported);
                if !dangling.is_empty() {
                    problems.push(format!(
                        "{} references resolve nowhere: {:?}",
                        dangling.len(),
                        dangling.iter().take(5).collect::<Vec<_>>()
                    ));
                }
                // Every clinician the bundle's records name is in the export and on the care
                // team of a source.
                let team = app
                    .get(&format!("/patients/{}/sources", patient.id), &patient.actor)
                    .await;
                let members: BTreeSet<String> = team.body["items"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .flat_map(|s| s["careTeam"].as_array().cloned().unwrap_or_default())
                    .filter_map(|m| m["name"].as_str().map(str::to_owned))
                    .collect();
                let practitioners_out = out.get("Practitioner").copied().unwrap_or(0);
                if per_type.contains_key("Practitioner")
                    && (members.is_empty() || practitioners_out == 0)
                {
                    problems.push(format!(
                        "no care team ({practitioners_out} practitioners exported): {}",
                        team.body
                    ));
                }
            }
        }
        if !problems.is_empty() {
            failures.push(format!("{name}: {}", problems.join("; ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every reference of the exported resources that names no entry of the export (local `#id`
/// references to contained resources aside), as `resourceType: reference`.
pub fn dangling_references(exported: &BTreeMap<String, Value>) -> Vec<String> {
    fn walk(value: &Value, found: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, inner) in map {
                    match (key.as_str(), inner) {
                        ("reference", Value::String(reference)) => found.push(reference.clone()),
                        _ => walk(inner, found),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, found)),
            _ => {}
        }
    }
    let mut dangling = Vec::new();
    for resource in exported.values() {
        let mut found = Vec::new();
        walk(resource, &mut found);
        for reference in found {
            if !reference.starts_with('#') && !exported.contains_key(&reference) {
                dangling.push(format!("{}: {reference}", resource["resourceType"]));
            }
        }
    }
    dangling
}

/// Fixtures whose organisations are known (`tests/fixtures/fhir/README.md`): how many of
/// their Organizations report records. Others are checked by the general rules alone.
fn expected_organization_sources(file: &str) -> Option<usize> {
    match file {
        // A hospital, an urgent care and a children's hospital.
        "sof_Louis_Erdman.json" => Some(3),
        "sof_Kermit_Trantow.json" | "sof_Clemente_Kreiger.json" => Some(1),
        "hl7_ips_bundle_minimal.json" => Some(1),
        _ => None,
    }
}
