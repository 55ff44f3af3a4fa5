from django.urls import path

from surveys.views import answer, builder, fieldwork, results, weighting

app_name = "surveys"
# Public, under /p/<slug>/
public_patterns = [
    # Public answering
    path("s/<slug:survey_slug>/", answer.start, name="start"),
    path("s/<slug:survey_slug>/<int:number>/", answer.page, name="page"),
    path("s/<slug:survey_slug>/done/", answer.done, name="done"),
    # Fieldwork: the stop link in the mails to prospective respondents
    path("survey-mail/stop/<str:token>/", fieldwork.prospect_stop, name="prospect_stop"),
]

# Staff, under /p/<slug>/staff/ (tsunagari/urls.py mounts both)
S = "surveys/"
staff_patterns = [
    # Staff: questionnaire builder
    path(S, builder.survey_list, name="list"),
    path(S + "new/", builder.survey_create, name="create"),
    path(S + "benchmarks/", builder.benchmarks, name="benchmarks"),
    path(S + "<uuid:uuid>/", builder.survey_detail, name="survey"),
    path(S + "<uuid:uuid>/action/", builder.survey_action, name="action"),
    path(S + "<uuid:uuid>/questions/new/", builder.question_new, name="question_new"),
    path(S + "questions/<uuid:uuid>/", builder.question_edit, name="question"),
    path(S + "questions/<uuid:uuid>/action/", builder.question_action, name="question_action"),
    path(S + "<uuid:uuid>/preview/", builder.preview, name="preview"),
    path(S + "<uuid:uuid>/questionnaire.pdf", builder.paper_pdf, name="paper_pdf"),
    path(S + "<uuid:uuid>/import/", builder.import_upload, name="import"),
    path(S + "imports/<uuid:uuid>/", builder.import_job, name="import_job"),
    # Staff: fieldwork
    path(S + "<uuid:uuid>/samples/", fieldwork.samples, name="samples"),
    path(S + "samples/<uuid:uuid>/mail-merge/", fieldwork.sample_mail_merge, name="sample_mail_merge"),
    path(S + "samples/<uuid:uuid>/letters.pdf", fieldwork.sample_letters, name="sample_letters"),
    path(S + "samples/<uuid:uuid>/purge/", fieldwork.sample_purge, name="sample_purge"),
    path(S + "<uuid:uuid>/paper/", fieldwork.paper_entry, name="paper"),
    path(S + "paper/<uuid:uuid>/", fieldwork.paper_review, name="paper_review"),
    path(S + "<uuid:uuid>/organisations/", fieldwork.organisation_tracking, name="organisations"),
    path(S + "<uuid:uuid>/prospects/", fieldwork.prospect_list, name="prospects"),
    path(S + "<uuid:uuid>/prospects.csv", fieldwork.prospect_csv, name="prospects_csv"),
    path(S + "<uuid:uuid>/prospects/letters.pdf", fieldwork.prospect_letters, name="prospect_letters"),
    path(S + "prospects/<uuid:uuid>/letter.pdf", fieldwork.prospect_letter, name="prospect_letter"),
    # Staff: results and exports (issue 6, item 5)
    path(S + "<uuid:uuid>/results/", results.results, name="results"),
    path(S + "<uuid:uuid>/results/crosstab/", results.crosstab_view, name="crosstab"),
    path(S + "<uuid:uuid>/results/free-text/", results.free_text, name="free_text"),
    path(S + "<uuid:uuid>/results/aggregates.csv", results.export_csv, name="results_csv"),
    path(S + "<uuid:uuid>/results/tables.xlsx", results.export_xlsx, name="results_xlsx"),
    path(S + "<uuid:uuid>/results/report.pdf", results.export_pdf, name="results_pdf"),
    # Staff: weighting (issue 6, item 4)
    path(S + "<uuid:uuid>/weighting/", weighting.weighting, name="weighting"),
]
