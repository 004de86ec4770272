//! The repository's files the consistency suites read.

/// The repository's root (template.yaml, events/, docs/).
pub fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate sits in the workspace")
        .to_path_buf()
}

/// Every (METHOD, resource path) that template.yaml declares.
pub fn template_routes() -> std::collections::BTreeSet<(String, String)> {
    portal_local::Template::load(&workspace_root().join("template.yaml"))
        .expect("template.yaml parses")
        .functions
        .iter()
        .flat_map(|f| f.events.iter())
        .map(|e| (e.method.clone(), e.path.clone()))
        .collect()
}
