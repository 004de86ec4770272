//! The Spanish wording of every kind.

use super::{Content, IdeaStatus, Language, RefillNews, ReportStatus, Wording, announcement, when};
use portal_shared::features::mfa::MfaChange;

pub fn wording(
    content: &Content,
    when: &dyn Fn(&portal_shared::domain::timestamp::Timestamp) -> String,
) -> Wording {
    match content {
        Content::NewMessage { .. } => Wording {
            subject: "Tiene un mensaje nuevo en su portal del paciente".into(),
            body: vec!["Hay un mensaje nuevo para usted en su portal del paciente. Inicie sesión para leerlo.".into()],
            action: "Leer el mensaje",
            sms: "Tiene un mensaje nuevo en su portal del paciente.".into(),
        },
        Content::AppointmentBooked { start } => Wording {
            subject: "Su cita está reservada".into(),
            body: vec![format!("Su cita está reservada para el {}.", when(start))],
            action: "Ver sus citas",
            sms: format!("Su cita está reservada para el {}.", when(start)),
        },
        Content::AppointmentMoved { start } => Wording {
            subject: "Su cita ha cambiado".into(),
            body: vec![format!("Su cita ha cambiado al {}.", when(start))],
            action: "Ver sus citas",
            sms: format!("Su cita ha cambiado al {}.", when(start)),
        },
        Content::AppointmentCancelled { start } => Wording {
            subject: "Su cita está cancelada".into(),
            body: vec![format!(
                "Su cita del {} está cancelada. Puede reservar otra hora en el portal.",
                when(start)
            )],
            action: "Ver sus citas",
            sms: format!("Su cita del {} está cancelada.", when(start)),
        },
        Content::AppointmentReminder { start } => Wording {
            subject: "Recordatorio: tiene una cita próxima".into(),
            body: vec![format!("Le recordamos su cita del {}.", when(start))],
            action: "Ver sus citas",
            sms: format!("Recordatorio: tiene una cita el {}.", when(start)),
        },
        Content::WaitlistOffer { slot_start, offer_until } => Wording {
            subject: "Tiene reservada una cita más temprana".into(),
            body: vec![
                format!("Hay una hora de cita más temprana disponible: {}.", when(slot_start)),
                format!(
                    "Se la guardamos hasta el {}. Acéptela en el portal antes de esa hora.",
                    when(offer_until)
                ),
            ],
            action: "Aceptar o rechazar",
            sms: format!(
                "Le guardamos una cita más temprana ({}) hasta el {}.",
                when(slot_start),
                when(offer_until)
            ),
        },
        Content::CareCircleInvitation { code, expires } => Wording {
            subject: "Invitación al círculo de cuidado de un portal del paciente".into(),
            body: vec![
                "Le han invitado a ayudar a una persona con su cuidado en su portal del paciente.".into(),
                format!("Su código de invitación es {}. Es válido hasta el {}.", code.as_str(), when(expires)),
                "Si no esperaba esta invitación, puede ignorar este correo.".into(),
            ],
            action: "Aceptar la invitación",
            sms: format!("Su código de invitación al portal del paciente es {}.", code.as_str()),
        },
        Content::ActivationInvitation { code, expires } => Wording {
            subject: "Active su cuenta del portal del paciente".into(),
            body: vec![
                format!("Su código de activación es {}. Es válido hasta el {}.", code.as_str(), when(expires)),
                "Escríbalo en la página de activación para crear su cuenta.".into(),
            ],
            action: "Activar su cuenta",
            sms: format!(
                "Su código de activación del portal del paciente es {}. Válido hasta el {}.",
                code.as_str(),
                when(expires)
            ),
        },
        Content::StaffInvitation { username, code } => Wording {
            subject: "Su cuenta de personal del portal del paciente".into(),
            body: vec![
                format!("Se ha creado una cuenta de personal para usted. Su usuario es {}.", username.as_str()),
                format!(
                    "Su contraseña temporal es {}. Elegirá la suya al iniciar sesión por primera vez.",
                    code.as_str()
                ),
            ],
            action: "Iniciar sesión",
            sms: format!("Su cuenta de personal está lista. Contraseña temporal: {}.", code.as_str()),
        },
        Content::PasswordReset { code } => Wording {
            subject: "Su código para restablecer la contraseña".into(),
            body: vec![
                format!("Su código para restablecer la contraseña es {}.", code.as_str()),
                "Si no pidió restablecer su contraseña, puede ignorar este correo.".into(),
            ],
            action: "Restablecer su contraseña",
            sms: format!("Su código para restablecer la contraseña del portal es {}.", code.as_str()),
        },
        Content::NewSignIn {
            at,
            reset,
            lock: Some(_),
        } => {
            let (subject, news) = if *reset {
                (
                    "Se restableció la contraseña de su portal del paciente",
                    format!(
                        "La contraseña de su cuenta del portal del paciente se restableció el {}.",
                        when(at)
                    ),
                )
            } else {
                (
                    "Nuevo inicio de sesión en su portal del paciente",
                    format!(
                        "Se inició sesión en su cuenta del portal del paciente el {} desde un navegador o dispositivo que no se había usado últimamente.",
                        when(at)
                    ),
                )
            };
            Wording {
                subject: subject.into(),
                body: vec![
                    news,
                    "Si fue usted, no tiene que hacer nada.".into(),
                    "¿No fue usted? Bloquee su cuenta con el enlace de abajo: nadie podrá iniciar sesión hasta que el consultorio la desbloquee. Luego llame al consultorio.".into(),
                ],
                action: "Bloquear su cuenta",
                sms: format!(
                    "{} el {}. ¿No fue usted? Bloquee su cuenta:",
                    if *reset {
                        "Se restableció la contraseña de su portal del paciente"
                    } else {
                        "Nuevo inicio de sesión en su portal del paciente"
                    },
                    when(at)
                ),
            }
        }
        Content::NewSignIn { at, .. } => Wording {
            subject: "Nuevo inicio de sesión en su portal del paciente".into(),
            body: vec![
                format!(
                    "Se inició sesión en su cuenta del portal del paciente el {} desde un navegador o dispositivo que no se había usado últimamente.",
                    when(at)
                ),
                "Si fue usted, no tiene que hacer nada.".into(),
                "Si no fue usted, restablezca su contraseña y avise al consultorio.".into(),
            ],
            action: "Restablecer su contraseña",
            sms: format!(
                "Nuevo inicio de sesión en su portal del paciente el {}. Si no fue usted, restablezca su contraseña y avise al consultorio.",
                when(at)
            ),
        },
        Content::IdeaStatusChanged { status } => {
            let news = match status {
                Some(status) => format!(
                    "El consultorio cambió el estado de una idea por la que usted votó o sobre la que dio su opinión: {}.",
                    idea_status(*status)
                ),
                None => "El consultorio cambió el estado de una idea por la que usted votó o sobre la que dio su opinión.".into(),
            };
            Wording {
                subject: "Hay novedades sobre una idea que usted apoyó".into(),
                body: vec![
                    news,
                    "Gracias por ayudarnos a decidir qué hará el portal. Inicie sesión para ver la idea.".into(),
                ],
                action: "Ver qué cambió",
                sms: match status {
                    Some(status) => format!("Novedades sobre una idea que usted apoyó: {}.", idea_status(*status)),
                    None => "Hay novedades sobre una idea que usted apoyó en su portal del paciente.".into(),
                },
            }
        }
        Content::SuggestionDecided { accepted: true } => Wording {
            subject: "Gracias: su sugerencia fue aceptada".into(),
            body: vec![
                "El consultorio leyó su sugerencia para el portal del paciente y la aceptó: ahora es una de las ideas que el consultorio está considerando.".into(),
                "Inicie sesión para verla y seguir su avance.".into(),
            ],
            action: "Ver su sugerencia",
            sms: "Su sugerencia para el portal del paciente fue aceptada. ¡Gracias!".into(),
        },
        Content::SuggestionDecided { accepted: false } => Wording {
            subject: "El consultorio respondió a su sugerencia".into(),
            body: vec![
                "El consultorio leyó su sugerencia para el portal del paciente y decidió no llevarla adelante por ahora. Gracias por compartirla.".into(),
                "Inicie sesión para ver la respuesta del consultorio.".into(),
            ],
            action: "Ver su sugerencia",
            sms: "El consultorio respondió a su sugerencia para el portal del paciente.".into(),
        },
        Content::FeedbackAnswered => Wording {
            subject: "El consultorio respondió a su opinión".into(),
            body: vec![
                "Gracias por su opinión sobre el portal del paciente. El consultorio respondió a su comentario.".into(),
                "Inicie sesión para leer la respuesta.".into(),
            ],
            action: "Leer la respuesta",
            sms: "El consultorio respondió a su opinión sobre el portal del paciente.".into(),
        },
        Content::ProblemReportUpdated { status, .. } => {
            let news = match status {
                Some(status) => format!(
                    "Hay novedades sobre el problema que usted informó en el portal del paciente: {}.",
                    report_status(*status)
                ),
                None => "Hay novedades sobre el problema que usted informó en el portal del paciente.".into(),
            };
            Wording {
                subject: "Hay novedades sobre el problema que usted informó".into(),
                body: vec![
                    news,
                    "Gracias por avisarnos. Inicie sesión para ver su informe y cualquier respuesta del equipo.".into(),
                ],
                action: "Ver su informe",
                sms: match status {
                    Some(status) => format!(
                        "Novedades sobre el problema que usted informó en el portal del paciente: {}.",
                        report_status(*status)
                    ),
                    None => "Hay novedades sobre el problema que usted informó en el portal del paciente.".into(),
                },
            }
        }
        // Las palabras del propio consultorio, tal como las escribió.
        Content::Announcement {
            title,
            body,
            link,
            portal,
        } => {
            let mut paragraphs = vec![title.clone()];
            paragraphs.extend(announcement::paragraphs(body));
            if let Some(link) = link {
                paragraphs.push(format!("Más información: {link}"));
            }
            if *portal {
                paragraphs.push("Inicie sesión en su portal del paciente para ver todas las noticias del consultorio.".into());
            }
            Wording {
                subject: format!("Noticias del consultorio: {title}"),
                body: paragraphs,
                action: "Ver las novedades",
                sms: format!("Noticias del consultorio: {title}"),
            }
        }
        // Solo fechas y cifras: el resumen se lee después de iniciar sesión.
        Content::WeeklyDigest {
            from,
            to,
            open_reports,
            breached,
            incidents_opened,
            activated,
            ..
        } => {
            let (from, to) = (
                when::date(*from, Language::Es),
                when::date(*to, Language::Es),
            );
            Wording {
                subject: format!("Resumen semanal del portal: semana del {from}"),
                body: vec![
                    format!("El resumen de la semana del portal del paciente, del {from} al {to}, está listo."),
                    format!("Informes de problemas abiertos: {open_reports}"),
                    format!("Informes que pasaron su plazo de respuesta: {breached}"),
                    format!("Incidentes abiertos en la semana: {incidents_opened}"),
                    format!("Pacientes que activaron su cuenta del portal en la semana: {activated}"),
                    "Inicie sesión para leer el resumen completo.".into(),
                ],
                action: "Leer el resumen",
                sms: format!(
                    "El resumen semanal del portal está listo: {open_reports} informes abiertos, {breached} fuera de plazo."
                ),
            }
        }
        // Que se compartió algo, nunca qué tema ni la nota del clínico.
        Content::EducationAssigned { .. } => Wording {
            subject: "Su equipo de atención compartió un tema de salud con usted".into(),
            body: vec![
                "Su equipo de atención compartió un tema de salud con usted en su portal del paciente.".into(),
                "Inicie sesión para leerlo, junto con cualquier nota de su equipo de atención.".into(),
            ],
            action: "Ver sus temas de salud",
            sms: "Su equipo de atención compartió un tema de salud con usted en su portal del paciente.".into(),
        },
        Content::MfaChanged { at, change } => {
            let news = match change {
                MfaChange::TurnedOn => {
                    "se agregó una aplicación de autenticación a su cuenta del portal del paciente"
                }
                MfaChange::TurnedOff => {
                    "se quitó la aplicación de autenticación de su cuenta del portal del paciente"
                }
                MfaChange::BackupCodeUsed => {
                    "se usó un código de respaldo para iniciar sesión en su cuenta del portal del paciente, lo que desactivó su aplicación de autenticación"
                }
                MfaChange::ResetByPractice => {
                    "el consultorio desactivó la aplicación de autenticación de su cuenta del portal del paciente"
                }
            };
            Wording {
                subject: "Cambió la seguridad del inicio de sesión de su portal del paciente".into(),
                body: vec![
                    format!("El {}, {news}.", when(at)),
                    if *change == MfaChange::TurnedOn {
                        "Si fue usted, no tiene que hacer nada.".into()
                    } else {
                        "Si fue usted, puede volver a agregar una aplicación de autenticación cuando inicie sesión.".into()
                    },
                    "Si no fue usted, restablezca su contraseña y avise al consultorio.".into(),
                ],
                action: "Restablecer su contraseña",
                sms: format!(
                    "El {}, {news}. Si no fue usted, restablezca su contraseña y avise al consultorio.",
                    when(at)
                ),
            }
        }
        // Qué pasó con la solicitud, nunca qué medicamento ni qué escribió el clínico.
        Content::RefillDecided { status, .. } => {
            let (subject, news, sms) = refill_news(*status);
            Wording {
                subject: subject.into(),
                body: vec![news.into(), "Gracias por usar su portal del paciente.".into()],
                action: "Ver su solicitud",
                sms: sms.into(),
            }
        }
    }
}

/// Las novedades de una solicitud de renovación: asunto, primer párrafo y texto del SMS.
fn refill_news(status: Option<RefillNews>) -> (&'static str, &'static str, &'static str) {
    match status {
        Some(RefillNews::Approved) => (
            "Se aprobó su solicitud de renovación de receta",
            "El consultorio aprobó su solicitud para renovar una receta. Inicie sesión para ver los detalles.",
            "Se aprobó su solicitud de renovación de receta.",
        ),
        Some(RefillNews::Denied) => (
            "Su solicitud de renovación de receta no fue aprobada",
            "El consultorio revisó su solicitud para renovar una receta y no la aprobó. Inicie sesión para leer el mensaje del consultorio.",
            "Su solicitud de renovación de receta no fue aprobada. Inicie sesión para ver por qué.",
        ),
        Some(RefillNews::VisitNeeded) => (
            "Su solicitud de renovación de receta necesita una consulta",
            "El consultorio necesita verle antes de renovar su receta. Inicie sesión para leer el mensaje del consultorio y reservar una cita.",
            "Su solicitud de renovación de receta necesita una consulta. Inicie sesión para reservarla.",
        ),
        Some(RefillNews::Sent) => (
            "Su receta renovada se envió a su farmacia",
            "El consultorio envió su receta renovada a la farmacia que usted eligió.",
            "Su receta renovada se envió a su farmacia.",
        ),
        None => (
            "Hay novedades sobre su solicitud de renovación de receta",
            "Hay novedades sobre su solicitud para renovar una receta. Inicie sesión para verlas.",
            "Hay novedades sobre su solicitud de renovación de receta.",
        ),
    }
}

/// What a report's status means, as the end of a Spanish sentence (el problema: masculine).
fn report_status(status: ReportStatus) -> &'static str {
    match status {
        ReportStatus::New => "el equipo lo recibió y lo revisará pronto",
        ReportStatus::Triaged => "el equipo lo revisó y se ocupará de él",
        ReportStatus::InProgress => "el equipo está trabajando en él",
        ReportStatus::WaitingOnReporter => "el equipo necesita más información de usted",
        ReportStatus::Resolved => "el equipo lo resolvió",
    }
}

/// What an idea's status means, as the end of a Spanish sentence.
fn idea_status(status: IdeaStatus) -> &'static str {
    match status {
        IdeaStatus::Proposed => "ahora está en consideración",
        IdeaStatus::Planned => "ahora está planificada",
        IdeaStatus::InBeta => "ahora se está probando en una versión beta",
        IdeaStatus::Live => "ya está disponible en el portal",
        IdeaStatus::Declined => "por ahora no se llevará a cabo",
    }
}

pub const UNSUBSCRIBE: &str = "Dejar de recibir estos correos";
pub const SECURITY_NOTE: &str = "Este es un aviso de seguridad de su portal del paciente; se envía sean cuales sean sus preferencias de notificación.";
pub const FOOTER_NO_ACCOUNT: &str =
    "Este correo es del portal del paciente del consultorio. No contiene información de salud.";
pub const FOOTER: &str = "Este correo es de su portal del paciente. No contiene información de salud: inicie sesión para ver los detalles.";
