//! Matching a request to a template route the way API Gateway REST does.
//!
//! API Gateway first picks the most specific *resource* for the path (a literal segment beats
//! `{param}`, which beats `{proxy+}`), then looks up the method on that resource (falling back
//! to `ANY`). A path with no resource, or a resource without the method, is answered with
//! 403 "Missing Authentication Token" — even for routes that need no token.

use std::collections::HashMap;

/// One route: a function's `Api` event.
#[derive(Debug, Clone)]
pub struct Route {
    /// The resource path as in the template (`/patients/{patientId}/profile`).
    pub resource: String,
    /// Upper case, or `ANY`.
    pub method: String,
    /// The owning function's logical id.
    pub function: String,
    /// `None` for a public route (`Auth.Authorizer: NONE`).
    pub authorizer: Option<String>,
    segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Param(String),
    Greedy(String),
}

impl Segment {
    /// Higher is more specific.
    fn rank(&self) -> u8 {
        match self {
            Segment::Literal(_) => 2,
            Segment::Param(_) => 1,
            Segment::Greedy(_) => 0,
        }
    }
}

impl Route {
    pub fn new(resource: &str, method: &str, function: &str, authorizer: Option<String>) -> Route {
        let segments = split(resource)
            .map(
                |segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    Some(name) => match name.strip_suffix('+') {
                        Some(greedy) => Segment::Greedy(greedy.to_owned()),
                        None => Segment::Param(name.to_owned()),
                    },
                    None => Segment::Literal(segment.to_owned()),
                },
            )
            .collect();
        Route {
            resource: resource.to_owned(),
            method: method.to_ascii_uppercase(),
            function: function.to_owned(),
            authorizer,
            segments,
        }
    }

    /// The path parameters if the path matches this route's resource.
    fn bind(&self, path: &[&str]) -> Option<HashMap<String, String>> {
        let mut parameters = HashMap::new();
        for (i, segment) in self.segments.iter().enumerate() {
            match segment {
                Segment::Literal(literal) => {
                    if path.get(i) != Some(&literal.as_str()) {
                        return None;
                    }
                }
                Segment::Param(name) => {
                    let value = path.get(i).filter(|v| !v.is_empty())?;
                    parameters.insert(name.clone(), (*value).to_owned());
                }
                Segment::Greedy(name) => {
                    let rest = path.get(i..).filter(|rest| !rest.is_empty())?;
                    parameters.insert(name.clone(), rest.join("/"));
                    return Some(parameters);
                }
            }
        }
        (path.len() == self.segments.len()).then_some(parameters)
    }

    fn specificity(&self) -> Vec<u8> {
        self.segments.iter().map(Segment::rank).collect()
    }
}

/// A matched request.
#[derive(Debug, Clone)]
pub struct Matched<'a> {
    pub route: &'a Route,
    /// Values as they appear in the path (not percent-decoded).
    pub path_parameters: HashMap<String, String>,
}

/// Every route the template declares.
#[derive(Debug, Clone, Default)]
pub struct RouteTable {
    routes: Vec<Route>,
}

impl RouteTable {
    pub fn new(routes: Vec<Route>) -> RouteTable {
        RouteTable { routes }
    }

    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    /// The route for `method` and `path`, or `None` where API Gateway would answer 403.
    pub fn find(&self, method: &str, path: &str) -> Option<Matched<'_>> {
        let path: Vec<&str> = split(path).collect();
        let candidates: Vec<(&Route, HashMap<String, String>)> = self
            .routes
            .iter()
            .filter_map(|route| route.bind(&path).map(|params| (route, params)))
            .collect();
        let best = candidates
            .iter()
            .map(|(route, _)| route.specificity())
            .max()?;
        let on_resource = || {
            candidates
                .iter()
                .filter(|(route, _)| route.specificity() == best)
        };
        let method = method.to_ascii_uppercase();
        let (route, path_parameters) = on_resource()
            .find(|(route, _)| route.method == method)
            .or_else(|| on_resource().find(|(route, _)| route.method == "ANY"))?;
        Some(Matched {
            route,
            path_parameters: path_parameters.clone(),
        })
    }
}

/// Path segments, ignoring one trailing slash (API Gateway treats `/a/` as `/a`).
fn split(path: &str) -> impl Iterator<Item = &str> {
    let trimmed = path.strip_prefix('/').unwrap_or(path);
    let trimmed = trimmed.strip_suffix('/').unwrap_or(trimmed);
    trimmed.split('/').filter(move |_| !trimmed.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> RouteTable {
        RouteTable::new(vec![
            Route::new("/staff/patients", "POST", "Profile", Some("Cognito".into())),
            Route::new(
                "/patients/{patientId}/profile",
                "GET",
                "Profile",
                Some("C".into()),
            ),
            Route::new(
                "/patients/{patientId}/profile",
                "PATCH",
                "Profile",
                Some("C".into()),
            ),
            Route::new("/patients/me/profile", "PUT", "Other", Some("C".into())),
            Route::new("/health", "GET", "Health", None),
            Route::new("/files/{proxy+}", "ANY", "Files", Some("C".into())),
            Route::new("/", "GET", "Root", None),
        ])
    }

    #[test]
    fn literal_paths_and_methods() {
        let t = table();
        let m = t.find("post", "/staff/patients").expect("route");
        assert_eq!(m.route.resource, "/staff/patients");
        assert!(m.path_parameters.is_empty());
        assert!(t.find("GET", "/staff/patients").is_none());
        assert!(t.find("POST", "/staff/patients/x").is_none());
        assert!(t.find("POST", "/staff").is_none());
        assert!(t.find("GET", "/nowhere").is_none());
        assert_eq!(
            t.find("GET", "/health").map(|m| m.route.authorizer.clone()),
            Some(None)
        );
        assert_eq!(
            t.find("GET", "/").map(|m| m.route.function.as_str()),
            Some("Root")
        );
    }

    #[test]
    fn parameters_are_bound() {
        let t = table();
        let m = t
            .find("GET", "/patients/01J0ABCDEF/profile")
            .expect("route");
        assert_eq!(m.route.resource, "/patients/{patientId}/profile");
        assert_eq!(
            m.path_parameters.get("patientId").map(String::as_str),
            Some("01J0ABCDEF")
        );
        assert_eq!(
            t.find("PATCH", "/patients/x/profile/")
                .map(|m| m.route.method.as_str()),
            Some("PATCH")
        );
        assert!(t.find("GET", "/patients//profile").is_none());
    }

    #[test]
    fn the_most_specific_resource_wins_even_without_the_method() {
        let t = table();
        // `/patients/me/profile` is its own resource with only PUT: API Gateway does not fall
        // back to the `{patientId}` resource for GET.
        assert!(t.find("GET", "/patients/me/profile").is_none());
        assert_eq!(
            t.find("PUT", "/patients/me/profile")
                .map(|m| m.route.function.as_str()),
            Some("Other")
        );
    }

    #[test]
    fn greedy_parameters_take_the_rest_and_any_matches_every_method() {
        let t = table();
        let m = t.find("DELETE", "/files/a/b/c.txt").expect("route");
        assert_eq!(
            m.path_parameters.get("proxy").map(String::as_str),
            Some("a/b/c.txt")
        );
        assert!(t.find("GET", "/files").is_none());
    }
}
