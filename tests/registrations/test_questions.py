import re

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Membership
from registrations import services
from registrations.models import Answer, Question, Registration
from tests.admin_forms import event_change_data
from tests.factories import MembershipFactory, QuestionFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

OPTIONS = "Morning\nAfternoon"

# kind, options, an answer as posted, as stored, as exported, a wrong answer, its error.
KINDS = [
    (
        "short_text",
        "",
        "Policy analyst",
        "Policy analyst",
        "Policy analyst",
        "x" * 501,
        "Ensure this value has at most 500 characters (it has 501).",
    ),
    (
        "long_text",
        "",
        "First line\nSecond line",
        "First line\nSecond line",
        "First line\nSecond line",
        "x" * 5001,
        "Ensure this value has at most 5000 characters (it has 5001).",
    ),
    (
        "radio",
        OPTIONS,
        "Afternoon",
        "Afternoon",
        "Afternoon",
        "Evening",
        "Select a valid choice. Evening is not one of the available choices.",
    ),
    (
        "select",
        OPTIONS,
        "Morning",
        "Morning",
        "Morning",
        "Evening",
        "Select a valid choice. Evening is not one of the available choices.",
    ),
    (
        "checkboxes",
        OPTIONS,
        ["Morning", "Afternoon"],
        "Morning\nAfternoon",
        "Morning; Afternoon",
        ["Morning", "Evening"],
        "Select a valid choice. Evening is not one of the available choices.",
    ),
    (
        "yes_no",
        "",
        "no",
        "no",
        "No",
        "maybe",
        "Select a valid choice. maybe is not one of the available choices.",
    ),
    ("number", "", "12.5", "12.5", "12.5", "twelve", "Enter a number."),
    ("date", "", "2026-12-01", "2026-12-01", "2026-12-01", "2026-02-31", "Enter a valid date."),
    (
        "email",
        "",
        "assistant@example.org",
        "assistant@example.org",
        "assistant@example.org",
        "not-an-address",
        "Enter a valid email address.",
    ),
    (
        "url",
        "",
        "https://example.org/paper",
        "https://example.org/paper",
        "https://example.org/paper",
        "not a web address",
        "Enter a valid URL.",
    ),
]
KIND_IDS = [kind[0] for kind in KINDS]
OPTIONS_OF = {kind[0]: kind[1] for kind in KINDS}

# What the browser is given for each kind: the tag and the type of the control(s).
CONTROLS = {
    "short_text": [("input", "text")],
    "long_text": [("textarea", None)],
    "radio": [("input", "radio"), ("input", "radio")],
    "select": [("select", None)],
    "checkboxes": [("input", "checkbox"), ("input", "checkbox")],
    "yes_no": [("input", "radio"), ("input", "radio")],
    "number": [("input", "number")],
    "date": [("input", "date")],
    "email": [("input", "email")],
    "url": [("input", "url")],
}


def form_data(**extra):
    return {
        "name": "Ada Lovelace",
        "email": "ada@example.org",
        "privacy_consent": "on",
        "submission_key": "key-1",
        **extra,
    }


def register_url(event):
    return reverse("registrations:register", args=[event.slug])


def controls_named(html, name):
    tags = re.findall(rf'<(input|textarea|select)\b[^>]*\bname="{name}"[^>]*>', html)
    types = re.findall(rf'<(?:input|textarea|select)\b[^>]*\bname="{name}"[^>]*>', html)
    kinds = [re.search(r'\btype="([a-z]+)"', tag) for tag in types]
    return [(tag, kind.group(1) if kind else None) for tag, kind in zip(tags, kinds, strict=True)]


@pytest.mark.parametrize("kind", KIND_IDS)
def test_question_rendered_after_core_fields_with_label_and_help(client, event, kind):
    options = OPTIONS_OF[kind]
    question = QuestionFactory(
        event=event, kind=kind, options=options, label="Tell us", help_text="Why we ask"
    )

    html = client.get(register_url(event)).content.decode()

    assert controls_named(html, question.field_name) == CONTROLS[kind]
    assert "Tell us" in html
    assert f'id="id_{question.field_name}_helptext"' in html
    assert html.index('name="dietary_requirements"') < html.index(question.field_name)
    assert html.index(question.field_name) < html.index('name="privacy_consent"')


@pytest.mark.parametrize(("kind", "options", "posted", "stored", "shown", "_bad", "_error"), KINDS)
def test_question_valid_answer_stored_with_wording(
    client, event, kind, options, posted, stored, shown, _bad, _error
):
    question = QuestionFactory(event=event, kind=kind, options=options, label="Tell us")

    response = client.post(register_url(event), form_data(**{question.field_name: posted}))

    assert response.status_code == 302
    answer = Answer.objects.get()
    assert answer.registration == Registration.objects.get()
    assert answer.question == question
    assert answer.question_label == "Tell us"
    assert answer.value == stored
    assert question.display(answer.value) == shown


@pytest.mark.parametrize(("kind", "options", "_posted", "_stored", "_shown", "bad", "error"), KINDS)
def test_question_wrong_answer_refused_at_field(
    client, event, kind, options, _posted, _stored, _shown, bad, error
):
    question = QuestionFactory(event=event, kind=kind, options=options)

    response = client.post(register_url(event), form_data(**{question.field_name: bad}))

    assert response.status_code == 400
    assert response.context["form"].errors == {question.field_name: [error]}
    assert f'id="id_{question.field_name}_error"' in response.content.decode()
    assert response.context["form"][question.field_name].value() == bad
    assert not Registration.objects.exists()


@pytest.mark.parametrize("kind", KIND_IDS)
def test_question_required_unanswered_refused(client, event, kind):
    options = OPTIONS_OF[kind]
    question = QuestionFactory(event=event, kind=kind, options=options, required=True)

    response = client.post(register_url(event), form_data())

    assert response.context["form"].errors == {question.field_name: ["This field is required."]}
    assert not Registration.objects.exists()


@pytest.mark.parametrize("kind", KIND_IDS)
def test_question_optional_unanswered_stores_nothing(client, event, kind):
    options = OPTIONS_OF[kind]
    QuestionFactory(event=event, kind=kind, options=options, required=False)

    response = client.post(register_url(event), form_data())

    assert response.status_code == 302
    assert Registration.objects.count() == 1
    assert not Answer.objects.exists()


@pytest.mark.parametrize(("kind", "options", "posted", "stored", "_shown", "_bad", "_error"), KINDS)
def test_question_answer_edited_from_personal_link(
    client, event, kind, options, posted, stored, _shown, _bad, _error
):
    question = QuestionFactory(event=event, kind=kind, options=options)
    other = QuestionFactory(event=event, kind="short_text", label="Other")
    registration = RegistrationFactory(event=event, name="Ada")
    url = registration.personal_path

    page = client.get(url)
    response = client.post(
        url,
        {
            "name": "Ada",
            "email": registration.email,
            "organisation": registration.organisation,
            question.field_name: posted,
            other.field_name: "",
        },
    )

    assert page.status_code == 200
    assert question.field_name in page.content.decode()
    assert response.status_code == 302
    assert list(Answer.objects.values_list("question", "value")) == [(question.pk, stored)]


def test_question_stored_answer_shown_on_personal_page(client, event):
    question = QuestionFactory(event=event, kind="checkboxes", options=OPTIONS)
    registration = services.register(
        event=event, name="Ada", email="ada@example.org", answers={question: "Afternoon"}
    )

    form = client.get(registration.personal_path).context["form"]

    assert form[question.field_name].value() == ["Afternoon"]


def test_question_answer_cleared_from_personal_link_deleted(client, event):
    question = QuestionFactory(event=event, kind="short_text")
    registration = services.register(
        event=event, name="Ada", email="ada@example.org", answers={question: "Analyst"}
    )

    client.post(
        registration.personal_path,
        {"name": "Ada", "email": "ada@example.org", question.field_name: ""},
    )

    assert not Answer.objects.exists()


def test_question_wrong_answer_on_personal_link_keeps_stored_answer(client, event):
    question = QuestionFactory(event=event, kind="number")
    registration = services.register(
        event=event, name="Ada", email="ada@example.org", answers={question: "3"}
    )

    response = client.post(
        registration.personal_path,
        {"name": "Ada", "email": "ada@example.org", question.field_name: "three"},
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {question.field_name: ["Enter a number."]}
    assert Answer.objects.get().value == "3"


def test_question_archived_not_asked_but_answer_kept(client, event):
    question = QuestionFactory(event=event, kind="short_text", label="Old question")
    registration = services.register(
        event=event, name="Ada", email="ada@example.org", answers={question: "Old answer"}
    )

    now = timezone.now()
    services.remove_question(question=question, now=now)

    question.refresh_from_db()
    assert question.archived_at == now
    assert question.field_name not in client.get(register_url(event)).content.decode()
    assert question.field_name not in client.get(registration.personal_path).content.decode()
    assert list(Answer.objects.values_list("question_label", "value")) == [
        ("Old question", "Old answer")
    ]


def test_question_unanswered_removed_is_deleted(event):
    question = QuestionFactory(event=event)

    services.remove_question(question=question)

    assert not Question.objects.exists()


def test_question_questions_ordered_by_position(client, event):
    second = QuestionFactory(event=event, label="Second", position=2)
    first = QuestionFactory(event=event, label="First", position=1)

    html = client.get(register_url(event)).content.decode()

    assert html.index(first.field_name) < html.index(second.field_name)


def test_question_erasing_registration_deletes_its_answers(event):
    question = QuestionFactory(event=event)
    registration = services.register(
        event=event, name="Ada", email="ada@example.org", answers={question: "Personal"}
    )

    services.erase(registration=registration, now=timezone.now())

    assert not Answer.objects.exists()
    assert Question.objects.count() == 1


# In the event's admin


def change_data(client, event, questions=(), **changes):
    """The event's change form as the admin shows it, with the questions inline filled in."""
    data = event_change_data(client, event)
    data["questions-TOTAL_FORMS"] = len(questions)
    for index, question in enumerate(questions):
        for key, value in question.items():
            data[f"questions-{index}-{key}"] = value
    data.update(changes)
    return data


def existing(question, **changes):
    return {
        "id": question.pk,
        "event": question.event_id,
        "position": question.position,
        "label": question.label,
        "kind": question.kind,
        "help_text": question.help_text,
        "options": question.options,
        **({"required": "on"} if question.required else {}),
        **changes,
    }


def test_admin_question_added_inline_appears_on_form(organiser_client, client, event):
    url = reverse("admin:events_event_change", args=[event.pk])
    new = {"position": 1, "label": "Your session", "kind": "radio", "options": "A\r\nB\r\n"}

    response = organiser_client.post(url, change_data(organiser_client, event, [new]))

    assert response.status_code == 302
    question = Question.objects.get()
    assert (question.label, question.kind, question.options) == ("Your session", "radio", "A\nB")
    assert question.field_name in client.get(register_url(event)).content.decode()


@pytest.mark.parametrize("kind", ["radio", "select", "checkboxes"])
def test_admin_choice_question_without_options_refused(organiser_client, event, kind):
    url = reverse("admin:events_event_change", args=[event.pk])
    new = {"position": 1, "label": "Your session", "kind": kind, "options": " \r\n "}

    response = organiser_client.post(url, change_data(organiser_client, event, [new]))

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.errors == [{"options": ["List the options, one per line."]}]
    assert not Question.objects.exists()


def test_admin_text_question_with_options_refused(organiser_client, event):
    url = reverse("admin:events_event_change", args=[event.pk])
    new = {"position": 1, "label": "Name of your cat", "kind": "short_text", "options": "Tom"}

    response = organiser_client.post(url, change_data(organiser_client, event, [new]))

    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.errors == [
        {"options": ["Only choice questions have options: leave this empty."]}
    ]


def test_admin_removing_answered_question_archives_it(organiser_client, event):
    answered = QuestionFactory(event=event, label="Answered")
    unanswered = QuestionFactory(event=event, label="Unanswered")
    services.register(event=event, name="Ada", email="ada@example.org", answers={answered: "Yes"})
    url = reverse("admin:events_event_change", args=[event.pk])
    questions = [existing(answered, DELETE="on"), existing(unanswered, DELETE="on")]

    response = organiser_client.post(url, change_data(organiser_client, event, questions))

    assert response.status_code == 302
    assert list(Question.objects.values_list("label", flat=True)) == ["Answered"]
    assert Question.objects.get().archived_at is not None
    assert Answer.objects.get().value == "Yes"
    page = organiser_client.get(url).content.decode()
    assert 'value="Answered"' not in page


def test_admin_changing_type_of_answered_question_refused(organiser_client, event):
    question = QuestionFactory(event=event, kind="short_text")
    services.register(event=event, name="Ada", email="ada@example.org", answers={question: "42"})
    url = reverse("admin:events_event_change", args=[event.pk])

    response = organiser_client.post(
        url, change_data(organiser_client, event, [existing(question, kind="number")])
    )

    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.errors == [
        {
            "kind": [
                "People have answered this question, so its type cannot change. "
                "Remove it (its answers are kept) and add a new question instead."
            ]
        }
    ]
    question.refresh_from_db()
    assert question.kind == "short_text"


def test_admin_rewording_answered_question_keeps_answer_as_given(organiser_client, event):
    question = QuestionFactory(event=event, label="Diet?")
    services.register(event=event, name="Ada", email="ada@example.org", answers={question: "Vegan"})
    url = reverse("admin:events_event_change", args=[event.pk])

    organiser_client.post(
        url, change_data(organiser_client, event, [existing(question, label="What do you eat?")])
    )

    question.refresh_from_db()
    assert question.label == "What do you eat?"
    assert list(Answer.objects.values_list("question_label", "value")) == [("Diet?", "Vegan")]


def test_admin_viewer_sees_questions_but_cannot_change_them(client, event):
    QuestionFactory(event=event, label="Asked question")
    viewer = MembershipFactory(organiser=event.organiser, role=Membership.Role.VIEWER).user
    client.force_login(viewer)

    html = client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()

    assert "Asked question" in html
    assert 'name="questions-0-label"' not in html


def test_admin_registration_page_shows_answers(organiser_client, event):
    question = QuestionFactory(event=event, label="Your session", kind="radio", options=OPTIONS)
    registration = services.register(
        event=event, name="Ada", email="ada@example.org", answers={question: "Morning"}
    )

    html = organiser_client.get(
        reverse("admin:registrations_registration_change", args=[registration.pk])
    ).content.decode()

    assert "Your session" in html
    assert "Morning" in html


def test_admin_registration_with_answers_still_editable(organiser_client, event):
    question = QuestionFactory(event=event, label="Your session")
    registration = services.register(
        event=event, name="Ada", email="ada@example.org", answers={question: "Morning"}
    )
    url = reverse("admin:registrations_registration_change", args=[registration.pk])
    data = {
        "name": "Ada Lovelace",
        "email": "ada@example.org",
        "organisation": "Analytical Engines",
        "role": "",
        "access_needs": "",
        "dietary_requirements": "",
        # The answers are fields of the organiser's form, as they are stored.
        question.field_name: "Morning",
    }

    response = organiser_client.post(url, data)

    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.organisation == "Analytical Engines"
    assert Answer.objects.get().value == "Morning"
