//! Real bundles from other systems (`../shared/fixtures/fhir/`, beside the checkout): each must
//! import with a sensible report and come back out in a valid export. The folder is reference
//! material for the team, not part of the project: without it the test says so and passes.

use std::collections::BTreeMap;

use portal_tests::fhir::validate_r4_bundle;
use portal_tests::{spawn_app, workspace_root};
use serde_json::Value;

#[tokio::test]
async fn every_shared_fixture_bundle_imports_with_a_sensible_report() {
    let folder = workspace_root().join("../shared/fixtures/fhir");
    let Ok(listing) = std::fs::read_dir(&folder) else {
        eprintln!("{folder:?} is absent: no fixture bundles to import");
        return;
    };
    let mut files: Vec<_> = listing
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
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
        let mut per_type: BTreeMap<String, u64> = BTreeMap::new();
        for entry in entries {
            *per_type
                .entry(
                    entry["resource"]["resourceType"]
                        .as_str()
                        .unwrap_or("")
                        .to_owned(),
                )
                .or_default() += 1;
        }
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
        let organizations = per_type.get("Organization").copied().unwrap_or(0);
        let sources = report["sources"].as_array().map_or(0, Vec::len) as u64;
        if sources == 0
            || (organizations > 0
                && report["sources"][0]["name"] == "Fixture sender"
                && sources == 1)
        {
            problems.push(format!("sources {}", report["sources"]));
        }
        let exported = app
            .get(&format!("/patients/{}/export", patient.id), &app.clinician)
            .await;
        if exported.status != 200 {
            problems.push(format!("export {}", exported.status));
        } else {
            if let Err(complaint) = validate_r4_bundle(&exported.body) {
                problems.push(format!("export not valid R4: {complaint}"));
            }
            let out = exported.body["entry"].as_array().map_or(0, Vec::len) as u64;
            if out < imported {
                problems.push(format!("export has {out} entries for {imported} records"));
            }
        }
        if !problems.is_empty() {
            failures.push(format!("{name}: {}", problems.join("; ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
