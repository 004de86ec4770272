//! Round trips to AWS per route (issue 15, goal 2): no measured route scans a table, and none
//! makes more calls than its ceiling below. The ceilings are a ratchet: what each route makes
//! today, so a regression fails here; lower them as handlers reach the goal (reads 1 sequential
//! call, writes 2, booking 3), never raise them without saying why. `make bench` prints the same
//! table (`portal_tests::round_trips`).

use std::collections::BTreeSet;

use portal_tests::round_trips::{
    MEASURED_ROUTES, format_call_table, measure_round_trips, spawn_counted_stack,
};

/// Per route: the goal (sequential calls), and today's ceilings (sequential, total).
#[rustfmt::skip]
const CEILINGS: &[(&str, &str, usize, usize, usize)] = &[
    // method, route                                                            goal seq total
    ("GET", "/patients/{patientId}/profile",                                       1,  3,  3),
    ("PATCH", "/patients/{patientId}/profile",                                     2,  4,  4),
    ("GET", "/staff/patients",                                                     1,  1,  1),
    ("POST", "/staff/patients",                                                    2,  2,  2),
    ("GET", "/patients/{patientId}/access-log",                                    1,  2,  2),
    ("GET", "/patients/{patientId}/features",                                      1,  1,  1),
    ("GET", "/patients/{patientId}/notification-preferences",                      1,  5,  5),
    ("PUT", "/patients/{patientId}/notification-preferences",                      2,  6,  6),
    ("GET", "/patients/{patientId}/records",                                       1,  3,  3),
    ("GET", "/patients/{patientId}/records/{recordId}",                            1,  3,  3),
    ("GET", "/patients/{patientId}/summary",                                       1,  3,  3),
    ("GET", "/patients/{patientId}/observations/{code}/series",                    1,  3,  3),
    ("GET", "/patients/{patientId}/export",                                        1,  4,  4),
    ("GET", "/patients/{patientId}/sources",                                       1,  3,  3),
    ("GET", "/patients/{patientId}/imports",                                       1,  3,  4),
    ("POST", "/patients/{patientId}/imports",                                      2,  4,  5),
    ("POST", "/patients/{patientId}/results",                                      2,  3,  3),
    ("POST", "/patients/{patientId}/conversations",                                2,  2,  3),
    ("GET", "/patients/{patientId}/conversations",                                 1,  3,  4),
    ("GET", "/patients/{patientId}/conversations/{conversationId}/messages",       1,  3,  4),
    ("POST", "/patients/{patientId}/conversations/{conversationId}/messages",      2,  3,  4),
    ("POST", "/patients/{patientId}/conversations/{conversationId}/read",          2,  2,  3),
    ("GET", "/staff/inbox",                                                        1,  2,  5),
    ("GET", "/staff/inbox/counts",                                                 1,  3, 25),
    ("GET", "/visit-types",                                                        1,  0,  0),
    ("GET", "/providers",                                                          1,  1,  1),
    ("GET", "/providers/{providerId}/slots",                                       1,  3,  3),
    ("POST", "/patients/{patientId}/appointments",                                 3,  6,  7),
    ("GET", "/patients/{patientId}/appointments",                                  1,  2,  2),
    ("GET", "/patients/{patientId}/appointments/{appointmentId}",                  1,  2,  2),
    ("POST", "/patients/{patientId}/appointments/{appointmentId}/cancel",          2,  5,  5),
    ("GET", "/staff/appointments",                                                 1,  1,  1),
    ("POST", "/patients/{patientId}/care-circle",                                  2,  3,  4),
    ("GET", "/patients/{patientId}/care-circle",                                   1,  2,  2),
    ("POST", "/patients/{patientId}/care-circle/{invitationId}/revoke",            2,  3,  3),
    ("GET", "/admin/staff",                                                        1,  6,  6),
    ("GET", "/staff/colleagues",                                                   1,  2,  2),
    ("GET", "/patients/{patientId}/refills/medications",                           1,  3,  6),
    ("POST", "/patients/{patientId}/refills",                                      2,  5,  7),
    ("GET", "/patients/{patientId}/refills",                                       1,  2,  3),
    // One audit write per patient in the queue: three requests are waiting by then.
    ("GET", "/staff/refills",                                                      1,  3,  5),
    // Seven queries started together: 2 or 3 sequential, as the emulator orders them.
    ("GET", "/patients/{patientId}/education",                                     1,  3,  9),
];

#[test]
fn every_measured_route_has_a_ceiling_and_its_goal() {
    let measured: BTreeSet<(&str, &str)> = MEASURED_ROUTES
        .iter()
        .map(|(method, route, _)| (*method, *route))
        .collect();
    let ceilinged: BTreeSet<(&str, &str)> = CEILINGS
        .iter()
        .map(|(method, route, ..)| (*method, *route))
        .collect();
    assert_eq!(measured, ceilinged, "one ceiling per measured route");
    for (method, route, kind) in MEASURED_ROUTES {
        let (.., goal, _, _) = CEILINGS
            .iter()
            .find(|(m, r, ..)| m == method && r == route)
            .expect("a ceiling");
        assert_eq!(*goal, kind.budget(), "the goal of {method} {route}");
    }
}

#[tokio::test]
async fn no_route_scans_or_exceeds_its_ceiling() {
    let app = spawn_counted_stack().await;
    let rows = measure_round_trips(app).await;
    println!("{}", format_call_table(&rows));
    let mut failures = Vec::new();
    for row in &rows {
        let name = format!("{} {}", row.method, row.route);
        if !(200..300).contains(&row.status) {
            failures.push(format!("{name}: answered {}", row.status));
            continue;
        }
        if let Some(scan) = row.calls.operations.iter().find(|op| op.ends_with(".Scan")) {
            failures.push(format!("{name}: {scan} (query a key or an index instead)"));
        }
        let Some((.., sequential, total)) = CEILINGS
            .iter()
            .find(|(m, r, ..)| *m == row.method && *r == row.route)
        else {
            continue;
        };
        if row.calls.sequential > *sequential || row.calls.total > *total {
            failures.push(format!(
                "{name}: {} sequential / {} calls, ceiling {sequential} / {total}: {:?}",
                row.calls.sequential, row.calls.total, row.calls.operations
            ));
        } else if row.calls.sequential < *sequential || row.calls.total < *total {
            println!(
                "{name}: now {} sequential / {} calls; lower its ceiling ({sequential} / {total})",
                row.calls.sequential, row.calls.total
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
