//! The floor of `make bench`: a `lambda_http` function that answers 200 to any request, built
//! with the workspace's release profile. Every function's cold start, size, memory and CPU per
//! request are printed as a ratio to this one's, measured in the same run.

use lambda_http::{Body, Error, Request, Response, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_http::run(service_fn(|_: Request| async {
        // A new response is a 200.
        Ok::<_, std::convert::Infallible>(Response::new(Body::from("ok")))
    }))
    .await
}
