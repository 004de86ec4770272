//! `GET /staff/training/{moduleId}` (`TakeTraining`): the module's sections and quiz (without
//! answers or explanations) and the caller's progress on it (`null` when it is not in their
//! plan). Any staff member may read any module.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::features::onboarding::{Capability, ModuleProgress, TrainingModule, read_plan};
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::authz::Action;
use serde::Serialize;

use crate::Deps;
use crate::training::content::{self, ModuleContent, QuizView, Section};
use crate::training::module_in_path;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ModuleView<'a> {
    module_id: TrainingModule,
    title: &'a str,
    summary: &'a str,
    minutes: u32,
    /// `null` for the basics (they gate nothing).
    capability: Option<Capability>,
    sections: &'a [Section],
    quiz: QuizView<'a>,
    progress: Option<ModuleProgress>,
}

impl<'a> ModuleView<'a> {
    fn of(
        module: TrainingModule,
        content: &'a ModuleContent,
        progress: Option<ModuleProgress>,
    ) -> Self {
        ModuleView {
            module_id: module,
            title: &content.title,
            summary: &content.summary,
            minutes: content.minutes,
            capability: module.gates(),
            sections: &content.sections,
            quiz: content.quiz.view(),
            progress,
        }
    }
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    deps.platform
        .authorizer()
        .staff(call, Action::TakeTraining)
        .await?;
    let module = module_in_path(call)?;
    let content = content::module(module)?;
    let plan = read_plan(
        &deps.platform.dynamo,
        &deps.platform.app_table,
        &call.caller().sub,
    )
    .await?;
    let progress = plan.and_then(|mut plan| plan.modules.remove(&module));
    json(StatusCode::OK, &ModuleView::of(module, content, progress))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_view_names_the_capability_and_hides_the_answers() {
        let module = TrainingModule::MessageInbox;
        let content = content::module(module).expect("content");
        let view = serde_json::to_value(ModuleView::of(module, content, None)).expect("json");
        assert_eq!(view["moduleId"], "message-inbox");
        assert_eq!(view["capability"], "message-inbox");
        assert!(view["progress"].is_null());
        assert_eq!(view["quiz"]["passMark"], 80);
        let question = &view["quiz"]["questions"][0];
        assert!(question["questionId"].is_string());
        assert!(question["choices"][0]["choiceId"].is_string());
        assert!(question.get("answer").is_none());
        assert!(question.get("explanation").is_none());

        let basics = TrainingModule::PortalBasics;
        let view = serde_json::to_value(ModuleView::of(
            basics,
            content::module(basics).expect("content"),
            None,
        ))
        .expect("json");
        assert!(view["capability"].is_null());
        assert!(view.get("capability").is_some());
    }
}
