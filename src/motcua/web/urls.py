from django.contrib.auth import views as auth_views
from django.urls import path

from motcua.web import citizen, reform_pages, scorecard, store_pages, sync, views, workbench

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("procedures/", views.procedure_list, name="procedure-list"),
    path("procedures/<str:code>/", views.procedure_page, name="procedure-detail"),
    path("track/", views.track, name="track-search"),
    path("track/<str:code>/", views.track, name="track"),
    path("my/", citizen.my_dossiers, name="my-dossiers"),
    path("workbench/login/", citizen.LoginView.as_view(), name="login"),
    path("workbench/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("workbench/", workbench.queue_page, name="workbench"),
    path("workbench/intake/", workbench.intake_choose, name="workbench-intake"),
    path("workbench/intake/<int:offering_id>/", workbench.intake, name="workbench-intake-form"),
    path("workbench/book.xlsx", workbench.book, name="workbench-book"),
    path("workbench/sync/", sync.sync_page, name="workbench-sync"),
    path("workbench/sync/resend/", sync.resend, name="workbench-sync-resend"),
    path("workbench/scorecard/", scorecard.scorecard_page, name="workbench-scorecard"),
    path("workbench/scorecard.xlsx", scorecard.scorecard_xlsx, name="workbench-scorecard-xlsx"),
    path(
        "workbench/scorecard/<str:indicator>/<str:part>/",
        scorecard.scorecard_dossiers,
        name="workbench-scorecard-dossiers",
    ),
    path("workbench/dossiers/<str:code>/", workbench.dossier_page, name="workbench-dossier"),
    path("workbench/dossiers/<str:code>/actions/<str:action>/", workbench.act, name="workbench-act"),
    path("workbench/dossiers/<str:code>/forms/<str:kind>.pdf", workbench.form_pdf, name="workbench-form"),
    path("workbench/dossiers/<str:code>/documents/<int:document_id>/", workbench.document, name="workbench-document"),
    path("workbench/dossiers/<str:code>/store/<int:stored_id>/", workbench.store_document, name="workbench-store"),
    path("workbench/store/<int:stored_id>/", workbench.store_preview, name="workbench-store-preview"),
    path("my/documents/<int:stored_id>/", store_pages.my_document, name="my-document"),
    path("workbench/reform/", reform_pages.home, name="reform"),
    path("workbench/reform/figures.xlsx", reform_pages.figures_xlsx, name="reform-figures-xlsx"),
    path("workbench/reform/plans/", reform_pages.plan_create, name="reform-plan-create"),
    path("workbench/reform/plans/<int:plan_id>/", reform_pages.plan_page, name="reform-plan"),
    path("workbench/reform/plans/<int:plan_id>/items/", reform_pages.plan_item, name="reform-plan-item"),
    path("workbench/reform/plans/<int:plan_id>/<str:step>/", reform_pages.plan_transition, name="reform-plan-step"),
    path("workbench/reform/plans/<int:plan_id>/report.<str:kind>", reform_pages.plan_report, name="reform-plan-report"),
    path("workbench/reform/procedures/<str:code>/cost/", reform_pages.cost_page, name="reform-cost"),
    path("workbench/reform/procedures/<str:code>/cost.xlsx", reform_pages.cost_sheet, name="reform-cost-xlsx"),
    path("workbench/reform/procedures/<str:code>/cost-upload/", reform_pages.cost_upload, name="reform-cost-upload"),
    path("workbench/reform/par/<int:year>/", reform_pages.par_page, name="reform-par"),
    path("workbench/reform/par/evidence/<int:evidence_id>/", reform_pages.par_evidence, name="reform-par-evidence"),
]
