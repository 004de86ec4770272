//! The training modules' content (`content/training-modules.json`), compiled in: what each
//! module teaches and its quiz. The answers and explanations stay on the server: only
//! [`ModuleContent`]'s public views are ever served, and they leave them out.

use std::sync::LazyLock;

use portal_shared::ApiError;
use portal_shared::features::onboarding::TrainingModule;
use serde::{Deserialize, Serialize};

const RAW: &str = include_str!("../../content/training-modules.json");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Library {
    modules: Vec<ModuleContent>,
}

/// One module as written in the content file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ModuleContent {
    pub module_id: String,
    pub title: String,
    pub summary: String,
    pub minutes: u32,
    pub sections: Vec<Section>,
    pub quiz: Quiz,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Section {
    pub heading: String,
    pub body: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Quiz {
    /// The lowest score (0–100) that passes.
    pub pass_mark: u32,
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Question {
    pub question_id: String,
    pub text: String,
    pub choices: Vec<Choice>,
    /// The right choice's id: never served.
    pub answer: String,
    /// Shown with the result of an attempt, never before.
    pub explanation: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Choice {
    pub choice_id: String,
    pub text: String,
}

/// A question as a member taking the quiz sees it: no answer, no explanation.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuestionView<'a> {
    pub question_id: &'a str,
    pub text: &'a str,
    pub choices: &'a [Choice],
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuizView<'a> {
    pub pass_mark: u32,
    pub questions: Vec<QuestionView<'a>>,
}

impl Quiz {
    pub fn view(&self) -> QuizView<'_> {
        QuizView {
            pass_mark: self.pass_mark,
            questions: self
                .questions
                .iter()
                .map(|q| QuestionView {
                    question_id: &q.question_id,
                    text: &q.text,
                    choices: &q.choices,
                })
                .collect(),
        }
    }
}

/// Parsed once per process; the unit tests below make a bad file fail the build's tests.
static LIBRARY: LazyLock<Result<Library, String>> =
    LazyLock::new(|| serde_json::from_str(RAW).map_err(|error| error.to_string()));

/// The content of `module`. Missing content is a defect of the build (the tests catch it), so
/// it is a 500, never a 404.
pub fn module(module: TrainingModule) -> Result<&'static ModuleContent, ApiError> {
    let library = LIBRARY
        .as_ref()
        .map_err(|_| ApiError::internal("the training content does not parse"))?;
    library
        .modules
        .iter()
        .find(|content| content.module_id == module.as_str())
        .ok_or_else(|| ApiError::internal("a training module has no content"))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn library() -> &'static Library {
        LIBRARY.as_ref().expect("training-modules.json parses")
    }

    #[test]
    fn every_module_has_content_and_every_content_is_a_module() {
        for module in TrainingModule::ALL.iter().copied() {
            let content = self::module(module).expect("content");
            assert_eq!(content.module_id, module.as_str());
            // Lists (the plan view) show the shared title: the module's page must agree.
            assert_eq!(content.title, module.title());
        }
        let ids: Vec<&str> = library()
            .modules
            .iter()
            .map(|m| m.module_id.as_str())
            .collect();
        for id in &ids {
            assert!(TrainingModule::parse(id).is_some(), "unknown module {id}");
        }
        let unique: BTreeSet<_> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len(), "a module is written twice");
        assert_eq!(ids.len(), TrainingModule::ALL.len());
    }

    #[test]
    fn each_module_is_complete() {
        for content in &library().modules {
            let id = &content.module_id;
            assert!(!content.title.trim().is_empty(), "{id}: title");
            assert!(!content.summary.trim().is_empty(), "{id}: summary");
            assert!((1..=60).contains(&content.minutes), "{id}: minutes");
            assert!(
                (3..=6).contains(&content.sections.len()),
                "{id}: 3 to 6 sections"
            );
            for section in &content.sections {
                assert!(!section.heading.trim().is_empty(), "{id}: heading");
                assert!(!section.body.trim().is_empty(), "{id}: body");
            }
            assert_eq!(content.quiz.pass_mark, 80, "{id}: pass mark");
            assert_eq!(content.quiz.questions.len(), 5, "{id}: five questions");
        }
    }

    #[test]
    fn question_and_choice_ids_are_unique_and_answers_name_a_choice() {
        let mut question_ids = BTreeSet::new();
        for content in &library().modules {
            for question in &content.quiz.questions {
                let qid = &question.question_id;
                assert!(
                    question_ids.insert(qid.clone()),
                    "question id {qid} used twice"
                );
                assert!(
                    !qid.is_empty()
                        && qid.len() <= 64
                        && qid
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                    "question id {qid} is not a slug"
                );
                assert!(!question.text.trim().is_empty(), "{qid}: text");
                assert!(
                    !question.explanation.trim().is_empty(),
                    "{qid}: explanation"
                );
                assert!(
                    (3..=4).contains(&question.choices.len()),
                    "{qid}: 3 or 4 choices"
                );
                let choice_ids: BTreeSet<&str> = question
                    .choices
                    .iter()
                    .map(|c| c.choice_id.as_str())
                    .collect();
                assert_eq!(
                    choice_ids.len(),
                    question.choices.len(),
                    "{qid}: choice ids"
                );
                assert!(
                    choice_ids.contains(question.answer.as_str()),
                    "{qid}: the answer names no choice"
                );
                for choice in &question.choices {
                    assert!(!choice.text.trim().is_empty(), "{qid}: choice text");
                }
            }
        }
    }

    #[test]
    fn the_served_quiz_holds_no_answer_or_explanation() {
        for module in TrainingModule::ALL.iter().copied() {
            let content = self::module(module).expect("content");
            let served = serde_json::to_value(content.quiz.view()).expect("json");
            let text = served.to_string();
            assert!(!text.contains("\"answer\""));
            assert!(!text.contains("\"explanation\""));
            for question in &content.quiz.questions {
                assert!(!text.contains(&question.explanation));
            }
        }
    }
}
