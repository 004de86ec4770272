//! Whether a recipient's email or phone may be written to (on file and not suppressed).

use portal_shared::ApiError;
use portal_shared::domain::person::{Email, Phone};
use portal_shared::domain::timestamp::Timestamp;

use crate::Deps;
use crate::sender::plan::Reach;
use crate::suppression::{self, Why};

pub async fn email(deps: &Deps, email: Option<&Email>) -> Result<Reach, ApiError> {
    let Some(email) = email else {
        return Ok(Reach::Missing);
    };
    let found = suppression::find(deps, &suppression::email_address(email)).await?;
    Ok(if found.is_some() {
        Reach::Suppressed
    } else {
        Reach::Ok
    })
}

pub async fn phone(deps: &Deps, phone: Option<&Phone>) -> Result<Reach, ApiError> {
    let Some(phone) = phone else {
        return Ok(Reach::Missing);
    };
    let found = suppression::find(deps, &suppression::phone_address(phone)).await?;
    Ok(if found.is_some() {
        Reach::Suppressed
    } else {
        Reach::Ok
    })
}

/// A text refused for good (a number SNS will not take): no more texts to it until it changes.
pub async fn text_failed(
    deps: &Deps,
    phone: Option<&Phone>,
    now: Timestamp,
) -> Result<(), ApiError> {
    match phone {
        Some(phone) => {
            suppression::record(deps, &suppression::phone_address(phone), Why::Rejected, now).await
        }
        None => Ok(()),
    }
}
