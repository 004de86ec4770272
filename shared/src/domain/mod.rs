//! Domain values: validated newtypes that, once parsed, are valid everywhere. Ids, instants,
//! people and how to reach them, plain text, the practice's calendar and its days, response-time
//! targets on it, one-time codes. Nothing here touches AWS or HTTP.

pub mod cohort_name;
pub mod ids;
pub mod language;
pub mod one_time_code;
pub mod person;
pub mod practice;
pub mod text;
pub mod timestamp;
