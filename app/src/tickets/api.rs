//! Server functions of service tickets: thin edges over [`super::service`], [`super::config`]
//! and [`super::reports`].
use super::model::*;
use crate::shared::error::AppError;
use leptos::prelude::*;
use leptos::server_fn;

#[server]
pub async fn ticket_form() -> Result<SubmitForm, AppError> {
    crate::web::serve(async |ctx, _, auth| super::submit::submit_form(&ctx, &auth).await).await
}

/// Submits a ticket (a resident for their home; the desk on a caller's behalf). Returns its id.
// Nested input (lists, tagged actions) travels as JSON: URL encoding cannot carry it.
#[server(input = server_fn::codec::Json)]
pub async fn submit_ticket(ticket: NewTicket) -> Result<i64, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::submit::submit(&ctx, &meta, &auth, ticket).await).await
}

/// The repair form as the browser posts it itself (before the WASM arrives, or with
/// JavaScript off): the same submission as [`submit_ticket`], URL-encoded and without photos
/// (adding them needs the uploader). A success goes on to the new ticket's page.
#[server]
pub async fn submit_ticket_form(
    kind: Kind,
    category: String,
    #[server(default)] unit_id: Option<i64>,
    #[server(default)] spot: String,
    description: String,
    #[server(default)] preferred_time: String,
) -> Result<i64, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        let ticket = NewTicket {
            kind,
            category,
            unit_id,
            community_id: None,
            unit_number: String::new(),
            spot,
            description,
            preferred_time,
            photos: vec![],
            caller_name: String::new(),
            caller_phone: String::new(),
            priority: None,
        };
        let id = super::submit::submit(&ctx, &meta, &auth, ticket).await?;
        crate::web::server_fn::form_redirect(&format!("/repair/{id}"));
        Ok(id)
    })
    .await
}

#[server]
pub async fn my_tickets(#[server(default)] before: Option<i64>) -> Result<TicketPage, AppError> {
    crate::web::serve(async |ctx, _, auth| super::lists::my_tickets(&ctx, &auth, before).await).await
}

// Nested input (lists, tagged actions) travels as JSON: URL encoding cannot carry it.
#[server(input = server_fn::codec::Json)]
pub async fn staff_tickets(filter: ListFilter) -> Result<TicketPage, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::lists::staff_list(&ctx, &meta, &auth, filter).await).await
}

#[server]
pub async fn ticket(id: i64) -> Result<TicketDetail, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::lists::detail(&ctx, &meta, &auth, id).await).await
}

// Nested input (lists, tagged actions) travels as JSON: URL encoding cannot carry it.
#[server(input = server_fn::codec::Json)]
pub async fn ticket_act(id: i64, input: ActInput) -> Result<TicketDetail, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::act::act(&ctx, &meta, &auth, id, input).await).await
}

#[server]
pub async fn dispatch_options(id: i64) -> Result<DispatchChoices, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::dispatch::dispatch_choices(&ctx, &meta, &auth, id).await).await
}

/// The price list of a ticket's office, for its technician's completion form.
#[server]
pub async fn ticket_prices(id: i64) -> Result<Vec<PriceItem>, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::act::prices_for_ticket(&ctx, &meta, &auth, id).await).await
}

/// Offices the caller may set up.
#[server]
pub async fn service_offices() -> Result<Vec<(i64, String)>, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::config::setup_choices(&ctx, &meta, &auth).await).await
}

#[server]
pub async fn load_office_setup(office: i64) -> Result<OfficeSetup, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::config::office_setup(&ctx, &meta, &auth, office).await).await
}

// Nested input (lists, tagged actions) travels as JSON: URL encoding cannot carry it.
#[server(input = server_fn::codec::Json)]
pub async fn save_service_settings(settings: ServiceSettings) -> Result<ServiceSettings, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::config::save_settings(&ctx, &meta, &auth, settings).await).await
}

// Nested input (lists, tagged actions) travels as JSON: URL encoding cannot carry it.
#[server(input = server_fn::codec::Json)]
pub async fn save_price_item(office: i64, item: PriceItem) -> Result<PriceItem, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::config::save_price(&ctx, &meta, &auth, office, item).await).await
}

// Nested input (lists, tagged actions) travels as JSON: URL encoding cannot carry it.
#[server(input = server_fn::codec::Json)]
pub async fn save_team(office: i64, team: Team) -> Result<Vec<Team>, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::config::save_team(&ctx, &meta, &auth, office, team).await).await
}

#[server]
pub async fn office_technicians(office: i64) -> Result<Vec<Technician>, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::config::office_technicians(&ctx, &meta, &auth, office).await).await
}

/// Daily report of `date` (YYYY-MM-DD) and the month `period` (YYYYMM) reports.
#[server]
pub async fn service_reports(
    #[server(default)] root: Option<i64>,
    date: String,
    period: i32,
) -> Result<ReportBundle, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        let date = chrono::NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d")
            .map_err(|_| AppError::validation("date", "err.date_invalid"))?;
        super::reports::bundle(&ctx, &meta, &auth, root, date, period).await
    })
    .await
}

/// Communities where the caller takes calls (hotline form).
#[server]
pub async fn desk_communities() -> Result<Vec<(i64, String)>, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::config::desk_communities(&ctx, &meta, &auth).await).await
}
