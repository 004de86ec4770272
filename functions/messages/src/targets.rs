//! Response-time targets per category: the shared mechanism
//! ([`portal_shared::platform::response_targets`]), which also times refill requests. Each
//! category is a target of the same name; re-exported here so callers keep one path.

pub use portal_shared::platform::response_targets::{
    MAX_TARGET_DAYS, ResponseTargets, TARGETS_VARIABLE, TargetName,
};

use crate::model::Category;

impl From<Category> for TargetName {
    fn from(category: Category) -> Self {
        match category {
            Category::MedicalQuestion => TargetName::MedicalQuestion,
            Category::Appointment => TargetName::Appointment,
            Category::Prescription => TargetName::Prescription,
            Category::Billing => TargetName::Billing,
            Category::PortalHelp => TargetName::PortalHelp,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_category_is_the_target_of_its_name() {
        for category in Category::ALL {
            let target = TargetName::from(category);
            assert_eq!(target.as_str(), category.as_str());
            assert_eq!(target.default_days(), category.default_target_days());
        }
    }

    #[test]
    fn conversations_are_timed_by_their_category() {
        let targets = ResponseTargets::from_lookup(|name| match name {
            TARGETS_VARIABLE => Some("billing=5,refill=1".to_owned()),
            "PRACTICE_TIME_ZONE" => Some("America/New_York".to_owned()),
            _ => None,
        })
        .expect("valid");
        assert_eq!(targets.days(Category::Billing), 5);
        assert_eq!(targets.days(Category::MedicalQuestion), 2);
    }
}
