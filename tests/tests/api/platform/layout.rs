//! The workspace's shape, checked: every function crate looks like the others (main.rs wires,
//! lib.rs routes), and no crate has an import cycle between its modules, so each module can be
//! read on top of the ones it uses.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use portal_tests::workspace_root;

/// Every crate whose modules are checked for cycles, with how deep a module path counts as
/// one node: 1 for a function (`booking`, `repo`), 2 for the shared crate's layers
/// (`platform::store`, `policy::authz`).
fn crates() -> Vec<(PathBuf, usize)> {
    let root = workspace_root();
    let mut crates = vec![
        (root.join("shared/src"), 2),
        (root.join("infra/local/src"), 1),
    ];
    for function in function_dirs() {
        crates.push((function.join("src"), 1));
    }
    crates
}

fn function_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(workspace_root().join("functions"))
        .expect("functions/")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.join("Cargo.toml").is_file())
        .collect();
    dirs.sort();
    dirs
}

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs")
            // A module's tests (`mod tests;` in `tests.rs`) may reach anywhere.
            && path.file_name().is_none_or(|name| name != "tests.rs")
        {
            found.push(path);
        }
    }
}

/// `platform/store.rs` → `["platform", "store"]`; `policy/authz/mod.rs` → `["policy", "authz"]`;
/// the crate roots (`lib.rs`, `main.rs`, `bin/*`) → none: they wire, everything may be below them.
fn module_of(src: &Path, file: &Path) -> Option<Vec<String>> {
    let relative = file.strip_prefix(src).expect("under src");
    let mut parts: Vec<String> = relative
        .iter()
        .map(|part| part.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    if parts.first().is_some_and(|first| first == "bin") {
        return None;
    }
    if parts.last().is_some_and(|last| last == "mod") {
        parts.pop();
    }
    if parts.len() == 1 && (parts[0] == "lib" || parts[0] == "main") {
        return None;
    }
    Some(parts)
}

/// The module paths a file names through `crate::`, outside comments and its `#[cfg(test)]`
/// module (tests may reach anywhere).
fn crate_paths(text: &str) -> Vec<Vec<String>> {
    let code = match text.find("#[cfg(test)]") {
        Some(at) => &text[..at],
        None => text,
    };
    let mut paths = Vec::new();
    for line in code.lines() {
        let line = line.split("//").next().unwrap_or_default();
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let path: Vec<String> = rest
                .split("::")
                .map(|segment| {
                    segment
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect::<String>()
                })
                .take_while(|segment| {
                    !segment.is_empty() && segment.chars().all(|c| !c.is_ascii_uppercase())
                })
                .collect();
            if !path.is_empty() {
                paths.push(path);
            }
        }
        // `use crate::{a, b::c}` groups.
        if let Some(group) = line.trim_start().strip_prefix("use crate::{") {
            for item in group.trim_end_matches("};").split(',') {
                let first = item
                    .trim()
                    .split("::")
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                if !first.is_empty() && first.chars().all(|c| !c.is_ascii_uppercase()) {
                    paths.push(vec![first]);
                }
            }
        }
    }
    paths
}

/// The module graph of one crate, each module cut to `depth` segments.
fn graph(src: &Path, depth: usize) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let modules: BTreeSet<Vec<String>> = files
        .iter()
        .filter_map(|file| module_of(src, file))
        .map(|module| module.into_iter().take(depth).collect())
        .collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let Some(from) = module_of(src, file) else {
            continue;
        };
        let from: Vec<String> = from.into_iter().take(depth).collect();
        let text = std::fs::read_to_string(file).expect("readable");
        for path in crate_paths(&text) {
            // The longest known module the path starts with.
            let to = (1..=path.len().min(depth))
                .rev()
                .map(|n| path[..n].to_vec())
                .find(|candidate| modules.contains(candidate));
            let Some(to) = to else { continue };
            // A module reaching its own parts (or a parent declaring its children) is not a
            // dependency between modules.
            if to.starts_with(&from) || from.starts_with(&to) {
                continue;
            }
            edges
                .entry(from.join("::"))
                .or_default()
                .insert(to.join("::"));
        }
    }
    edges
}

/// One cycle in the graph, when there is one.
fn find_cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(node.to_owned(), 1);
        stack.push(node.to_owned());
        for next in edges.get(node).into_iter().flatten() {
            match state.get(next.as_str()).copied().unwrap_or(0) {
                0 => {
                    if let Some(cycle) = visit(next, edges, state, stack) {
                        return Some(cycle);
                    }
                }
                1 => {
                    let start = stack.iter().position(|n| n == next).unwrap_or(0);
                    let mut cycle = stack[start..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(node.to_owned(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in edges.keys() {
        if state.get(node.as_str()).copied().unwrap_or(0) == 0
            && let Some(cycle) = visit(node, edges, &mut state, &mut Vec::new())
        {
            return Some(cycle);
        }
    }
    None
}

#[test]
fn no_crate_has_an_import_cycle_between_its_modules() {
    let mut cycles = Vec::new();
    for (src, depth) in crates() {
        if let Some(cycle) = find_cycle(&graph(&src, depth)) {
            cycles.push(format!("{}: {}", src.display(), cycle.join(" → ")));
        }
    }
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn the_cycle_finder_finds_a_cycle() {
    let edges: BTreeMap<String, BTreeSet<String>> = [
        ("booking", vec!["waitlist", "repo"]),
        ("waitlist", vec!["booking"]),
        ("repo", vec![]),
    ]
    .into_iter()
    .map(|(from, to)| (from.to_owned(), to.into_iter().map(str::to_owned).collect()))
    .collect();
    let cycle = find_cycle(&edges).expect("a cycle");
    assert!(cycle.contains(&"booking".to_owned()) && cycle.contains(&"waitlist".to_owned()));
    assert_eq!(
        crate_paths(
            "use crate::{model, repo::Store};\nlet x = crate::view::Day::new(); // crate::no"
        ),
        vec![
            vec!["model".to_owned()],
            vec!["repo".to_owned()],
            vec!["view".to_owned()],
        ]
    );
}

#[test]
fn the_shared_crate_keeps_its_layers() {
    // Domain values depend on nothing above them; authorisation does not depend on HTTP.
    let edges = graph(&workspace_root().join("shared/src"), 2);
    for (from, to) in &edges {
        if from.starts_with("domain::") {
            let above: Vec<_> = to.iter().filter(|t| !t.starts_with("domain::")).collect();
            assert!(
                above.is_empty(),
                "{from} reaches above the domain: {above:?}"
            );
        }
    }
    let authz = edges.get("policy::authz").cloned().unwrap_or_default();
    assert!(
        !authz.contains("platform::http"),
        "authorisation depends on HTTP: {authz:?}"
    );
    let store = edges.get("platform::store").cloned().unwrap_or_default();
    assert!(
        !store.contains("policy::authz") && !store.contains("policy::audit"),
        "the store depends on authorisation or audit: {store:?}"
    );
}

#[test]
fn every_function_crate_has_the_same_shape() {
    for dir in function_dirs() {
        let name = dir.display();
        let main = std::fs::read_to_string(dir.join("src/main.rs"))
            .unwrap_or_else(|_| panic!("{name}: src/main.rs wires the function"));
        assert!(
            main.contains("lambda_http::run") || main.contains("run(service_fn"),
            "{name}: main.rs runs the handler with lambda_http"
        );
        let lib = std::fs::read_to_string(dir.join("src/lib.rs"))
            .unwrap_or_else(|_| panic!("{name}: src/lib.rs routes"));
        for part in [
            "pub const ROUTES: &[Route]",
            "pub struct Deps",
            "pub async fn handle(deps: &Deps, request: Request) -> Response<Body>",
        ] {
            assert!(lib.contains(part), "{name}: lib.rs lacks `{part}`");
        }
    }
}
