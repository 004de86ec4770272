// The quiz of a training module, without React: what the form sends, what is missing before it
// is sent, and where the API's field errors (`answers.<questionId>`) belong.

export interface QuizChoice {
  choiceId: string;
  text: string;
}
export interface QuizQuestion {
  questionId: string;
  text: string;
  choices: QuizChoice[];
}
export interface Quiz {
  passMark: number;
  questions: QuizQuestion[];
}
export interface ReviewItem {
  questionId: string;
  correct: boolean;
  explanation: string;
}

/** The chosen answer of each question, by question id. */
export type Answers = Record<string, string>;

/** The questions not answered yet (in the quiz's order). */
export function unanswered(quiz: Quiz, answers: Answers): string[] {
  return quiz.questions.filter((q) => !q.choices.some((c) => c.choiceId === answers[q.questionId])).map((q) => q.questionId);
}

/** The body of `POST /staff/training/{moduleId}/attempts`: only the quiz's questions and choices. */
export function attemptBody(quiz: Quiz, answers: Answers): { answers: Answers } {
  const out: Answers = {};
  for (const q of quiz.questions) {
    const chosen = answers[q.questionId];
    if (chosen !== undefined && q.choices.some((c) => c.choiceId === chosen)) out[q.questionId] = chosen;
  }
  return { answers: out };
}

/**
 * The API's field errors split into those of a question (`answers.<questionId>`, shown beside it)
 * and the rest (a field the form has no place for: shown above the button).
 */
export function splitQuizErrors(quiz: Quiz, errors: Record<string, string>): { byQuestion: Record<string, string>; other: string[] } {
  const byQuestion: Record<string, string> = {};
  const other: string[] = [];
  const ids = new Set(quiz.questions.map((q) => q.questionId));
  for (const [field, message] of Object.entries(errors)) {
    const id = field.startsWith("answers.") ? field.slice("answers.".length) : null;
    if (id !== null && ids.has(id)) byQuestion[id] = message;
    else other.push(message);
  }
  return { byQuestion, other };
}

/** The review of one question, if the last attempt has it. */
export function reviewOf(review: ReviewItem[] | undefined, questionId: string): ReviewItem | undefined {
  return review?.find((r) => r.questionId === questionId);
}
