import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, within } from "@testing-library/react";
import { ApiError } from "../../api/client";
import { I18nProvider, type Locale } from "../../i18n";
import { attemptBody, splitQuizErrors, unanswered, type Quiz } from "./quiz";
import { QuizForm, type QuizResult } from "./QuizForm";

// The quiz of a training module: one radio group per question, every question answered before
// it is sent, the API's `answers.<questionId>` errors beside their question, and the review.

const quiz: Quiz = {
  passMark: 80,
  questions: [
    {
      questionId: "q1",
      text: "A patient writes that they have chest pain now. What do you do?",
      choices: [
        { choiceId: "a", text: "Tell them to call 911" },
        { choiceId: "b", text: "Answer within two working days" },
      ],
    },
    {
      questionId: "q2",
      text: "Who may see a conversation's audit trail?",
      choices: [
        { choiceId: "a", text: "The patient" },
        { choiceId: "b", text: "Anyone" },
      ],
    },
  ],
};

function renderQuiz(props: Partial<Parameters<typeof QuizForm>[0]> = {}, locale: Locale = "en") {
  const onSubmit = vi.fn();
  const view = render(
    <I18nProvider timeZone="UTC" locale={locale}>
      <QuizForm quiz={quiz} onSubmit={onSubmit} {...props} />
    </I18nProvider>,
  );
  return { onSubmit, ...view };
}

const problem422 = (errors: { field: string; message: string }[]) =>
  new ApiError(422, { type: "https://patient-portal.dev/problems/validation", title: "Invalid", status: 422, errors });

describe("quiz logic", () => {
  it("lists the unanswered questions and sends only known choices", () => {
    expect(unanswered(quiz, {})).toEqual(["q1", "q2"]);
    expect(unanswered(quiz, { q1: "a", q2: "zzz" })).toEqual(["q2"]);
    expect(attemptBody(quiz, { q1: "a", q2: "b", q9: "a" })).toEqual({ answers: { q1: "a", q2: "b" } });
  });

  it("places the API's errors by question", () => {
    expect(splitQuizErrors(quiz, { "answers.q2": "Unknown choice.", "answers.q7": "Unknown question.", answers: "Missing." })).toEqual({
      byQuestion: { q2: "Unknown choice." },
      other: ["Unknown question.", "Missing."],
    });
  });
});

describe("QuizForm", () => {
  it("asks each question as a fieldset with its legend and radio choices", () => {
    renderQuiz();
    const groups = screen.getAllByRole("group");
    expect(groups).toHaveLength(2);
    const first = screen.getByRole("group", { name: /chest pain/ });
    expect(within(first).getAllByRole("radio")).toHaveLength(2);
    expect(within(first).getByRole("radio", { name: "Tell them to call 911" })).toBeTruthy();
  });

  it("does not send until every question is answered, and says which beside it", () => {
    const { onSubmit } = renderQuiz();
    fireEvent.click(screen.getByRole("radio", { name: "Tell them to call 911" }));
    fireEvent.click(screen.getByRole("button", { name: "Check my answers" }));
    expect(onSubmit).not.toHaveBeenCalled();
    const second = screen.getByRole("group", { name: /audit trail/ });
    expect(within(second).getByText("Choose an answer.")).toBeTruthy();
    expect(second.getAttribute("aria-describedby")).toBeTruthy();
    expect(within(screen.getByRole("group", { name: /chest pain/ })).queryByText("Choose an answer.")).toBeNull();
    expect(screen.getByRole("alert").textContent).toContain("Question 2: Choose an answer.");

    fireEvent.click(within(second).getByRole("radio", { name: "The patient" }));
    fireEvent.click(screen.getByRole("button", { name: "Check my answers" }));
    expect(onSubmit).toHaveBeenCalledWith({ answers: { q1: "a", q2: "a" } });
  });

  it("shows a field error of the API next to the question it names", () => {
    renderQuiz({ error: problem422([{ field: "answers.q1", message: "That is not one of the choices." }]) });
    const first = screen.getByRole("group", { name: /chest pain/ });
    expect(within(first).getByText("That is not one of the choices.")).toBeTruthy();
    for (const radio of within(first).getAllByRole("radio")) expect(radio.getAttribute("aria-invalid")).toBe("true");
    expect(within(screen.getByRole("group", { name: /audit trail/ })).queryByText("That is not one of the choices.")).toBeNull();
  });

  it("reviews each question after an attempt, and offers another after a fail", () => {
    const result: QuizResult = {
      score: 50,
      passed: false,
      correct: 1,
      total: 2,
      review: [
        { questionId: "q1", correct: true, explanation: "Urgent symptoms: 911, never the inbox." },
        { questionId: "q2", correct: false, explanation: "The patient sees who opened their record." },
      ],
    };
    const onRetry = vi.fn();
    renderQuiz({ result, onRetry });
    expect(screen.getByText("Not passed yet")).toBeTruthy();
    expect(screen.getByText(/You scored 50% \(1 of 2 correct\)\. The pass mark is 80%\./)).toBeTruthy();
    const second = screen.getByRole("group", { name: /audit trail/ });
    expect(within(second).getByText("Not correct.")).toBeTruthy();
    expect(within(second).getByText(/The patient sees who opened their record\./)).toBeTruthy();
    expect(within(screen.getByRole("group", { name: /chest pain/ })).getByText("Correct.")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Check my answers" })).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Try the quiz again" }));
    expect(onRetry).toHaveBeenCalled();
  });

  it("says a pass, with no retry", () => {
    renderQuiz({ result: { score: 100, passed: true, correct: 2, total: 2, review: [] } });
    expect(screen.getByText("You passed")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Try the quiz again" })).toBeNull();
  });

  it("speaks Spanish", () => {
    renderQuiz({}, "es");
    expect(screen.getByRole("button", { name: "Comprobar mis respuestas" })).toBeTruthy();
  });
});
