//! The OpenAPI 3 document of `/api/v1`, generated from the handlers' annotations.
use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let c = api.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Answers every operation can give through the common error model (`ErrorBody`): a
/// malformed path, query or body (400), no or an expired login (401), no permission or a
/// failed CSRF check (403), a record outside the caller's scope or absent (404), a value
/// refused (422), too many attempts (429). Added where a handler's annotation does not already
/// name the status, so the document matches what clients receive.
struct CommonErrors;

impl Modify for CommonErrors {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
        let common = [
            ("400", "Malformed path, query or body"),
            ("401", "Not logged in, or the session or key has expired"),
            ("403", "Not allowed (permission, scope or CSRF check)"),
            ("404", "No such record within the caller's scope"),
            ("422", "A value was refused; `field` names it"),
            ("429", "Too many attempts; retry later"),
        ];
        for item in api.paths.paths.values_mut() {
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                for (code, why) in common {
                    op.responses.responses.entry(code.to_string()).or_insert_with(|| {
                        RefOr::T(
                            ResponseBuilder::new()
                                .description(why)
                                .content(
                                    "application/json",
                                    ContentBuilder::new()
                                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                                        .build(),
                                )
                                .build(),
                        )
                    });
                }
            }
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Linli API", version = "1", description = "Records of a Linli installation. Log in with POST /api/v1/auth/login, then send `Authorization: Bearer <token>`. Every list is scoped to the caller's org subtree."),
    paths(
        app::access::rest::login,
        app::access::rest::logout,
        app::access::rest::me,
        app::access::rest::users,
        app::access::rest::create_user,
        app::access::rest::orgs,
        app::audit::rest::list,
        app::estate::rest::units,
        app::estate::rest::unit,
        app::estate::rest::add_occupant,
        app::estate::rest::create_building,
        app::estate::rest::my_homes,
        app::estate::rest::my_current_home,
        app::estate::rest::choose_home,
        app::estate::rest::persons,
        app::estate::rest::person,
        app::estate::rest::set_id_number,
        app::estate::rest::reveal_id_number,
        app::estate::rest::end_occupancy,
        app::estate::rest::add_vehicle,
        app::estate::rest::remove_vehicle,
        app::estate::rest::spaces,
        app::estate::rest::create_spaces,
        app::estate::rest::my_bind_requests,
        app::estate::rest::request_bind,
        app::estate::rest::bind_requests,
        app::estate::rest::decide_bind,
        app::estate::rest::invite_family,
        app::estate::rest::my_family_invites,
        app::estate::rest::accept_family_invite,
        app::estate::rest::decline_family_invite,
        app::estate::rest::cancel_family_invite,
        app::estate::rest::update_unit,
        app::estate::rest::add_org,
        app::estate::rest::rename_org,
        app::estate::rest::record_handover,
        app::estate::rest::get_checklist,
        app::estate::rest::put_checklist,
        app::estate::rest::export_units,
        app::estate::rest::export_people,
        app::estate::rest::vehicles,
        app::estate::rest::update_vehicle,
        app::estate::rest::rename_person,
        app::estate::rest::buildings,
        app::estate::rest::rename_building,
        app::estate::rest::update_space,
        app::estate::rest::export_spaces,
        app::estate::rest::import_records,
        app::estate::rest::import_template,
        app::billing::rest::collection,
        app::billing::rest::collection_xlsx,
        app::billing::rest::account,
        app::billing::rest::take_payment,
        app::billing::rest::receipt,
        app::billing::rest::run,
        app::billing::rest::my_bills,
        app::billing::rest::refund_prepaid,
        app::billing::rest::collect_deposit,
        app::billing::rest::refund_deposit,
        app::billing::rest::meter_sheet,
        app::billing::rest::add_meter,
        app::billing::rest::record_reading,
        app::billing::rest::import_readings,
        app::billing::rest::readings_template,
        app::billing::rest::get_settings,
        app::billing::rest::put_settings,
        app::payments::rest::start,
        app::payments::rest::checkout,
        app::payments::rest::list,
        app::payments::rest::refund,
        app::payments::rest::resolve,
        app::payments::rest::reconcile,
        app::notify::rest::inbox,
        app::notify::rest::read,
        app::notify::rest::devices,
        app::notify::rest::subscribe,
        app::notify::rest::remove,
        app::notify::rest::prefs,
        app::notify::rest::save_prefs,
        app::notify::rest::broadcast,
        app::notify::rest::broadcasts,
        app::files::rest::upload,
        app::files::rest::upload_document,
        app::files::rest::discard,
        app::tickets::rest::list,
        app::tickets::rest::mine,
        app::tickets::rest::submit,
        app::tickets::rest::detail,
        app::tickets::rest::act,
        app::tickets::rest::photo,
        app::tickets::rest::reports,
        app::tickets::rest::setup,
        app::tickets::rest::save_settings,
        app::tickets::rest::save_price,
        app::tickets::rest::save_team,
        app::engineering::rest::equipment_list,
        app::engineering::rest::equipment_create,
        app::engineering::rest::equipment_document,
        app::engineering::rest::equipment_document_remove,
        app::engineering::rest::equipment_get,
        app::engineering::rest::equipment_update,
        app::engineering::rest::plan_create,
        app::engineering::rest::maintenance_create,
        app::engineering::rest::equipment_photo,
        app::engineering::rest::maintenance_photo,
        app::engineering::rest::checkpoint_list,
        app::engineering::rest::checkpoint_create,
        app::engineering::rest::route_list,
        app::engineering::rest::checkpoint_update,
        app::engineering::rest::route_create,
        app::engineering::rest::route_update,
        app::engineering::rest::route_active,
        app::engineering::rest::round_list,
        app::engineering::rest::result_list,
        app::engineering::rest::result_create,
        app::engineering::rest::result_photo,
        app::governance::rest::voter_register,
        app::governance::rest::voter_register_xlsx,
        app::governance::rest::votes_list,
        app::governance::rest::votes_create,
        app::governance::rest::votes_get,
        app::governance::rest::items_add,
        app::governance::rest::items_remove,
        app::governance::rest::votes_act,
        app::governance::rest::ballots_cast,
        app::governance::rest::ballots_log,
        app::governance::rest::votes_result,
        app::governance::rest::voters_find,
        app::governance::rest::paper_enter,
        app::governance::rest::conflicts_list,
        app::governance::rest::conflicts_resolve,
        app::governance::rest::scan_get,
        app::governance::rest::proxies_list,
        app::governance::rest::proxies_request,
        app::governance::rest::proxies_decide,
        app::governance::rest::proxies_withdraw,
        app::governance::rest::proxies_authorization,
        app::governance::rest::register_correct,
        app::governance::rest::documents_add,
        app::governance::rest::documents_get,
        app::governance::rest::documents_remove,
        app::governance::rest::rules_get,
        app::governance::rest::rules_put,
        app::governance::rest::roster_get,
        app::governance::rest::roster_put,
        app::governance::rest::roster_document,
        app::governance::rest::roster_document_remove,
        app::community::rest::notices_list,
        app::community::rest::notices_create,
        app::community::rest::notices_get,
        app::community::rest::receipts_xlsx,
        app::community::rest::notices_document,
        app::community::rest::notices_photo,
        app::community::rest::notices_remind,
        app::community::rest::notices_withdraw,
        app::community::rest::my_notices,
        app::community::rest::my_notice,
        app::community::rest::surveys_list,
        app::community::rest::surveys_create,
        app::community::rest::surveys_results,
        app::community::rest::surveys_xlsx,
        app::community::rest::surveys_close,
        app::community::rest::surveys_withdraw,
        app::community::rest::my_surveys,
        app::community::rest::my_survey,
        app::community::rest::my_survey_answer,
        app::community::rest::events_list,
        app::community::rest::events_create,
        app::community::rest::events_get,
        app::community::rest::events_check_in,
        app::community::rest::events_cancel,
        app::community::rest::events_photos_add,
        app::community::rest::events_photo,
        app::community::rest::my_events,
        app::community::rest::my_event,
        app::community::rest::my_event_sign_up,
        app::community::rest::my_event_cancel,
        app::community::rest::groups_list,
        app::community::rest::groups_save,
        app::community::rest::groups_delete,
        app::amenities::rest::venues_list,
        app::amenities::rest::venues_create,
        app::amenities::rest::venues_update,
        app::amenities::rest::venues_close,
        app::amenities::rest::my_venues,
        app::amenities::rest::my_venue_slots,
        app::amenities::rest::my_bookings,
        app::amenities::rest::my_bookings_create,
        app::amenities::rest::my_booking,
        app::amenities::rest::my_booking_cancel,
        app::amenities::rest::bookings_day,
        app::amenities::rest::bookings_create,
        app::amenities::rest::bookings_get,
        app::amenities::rest::bookings_decide,
        app::amenities::rest::bookings_cancel,
        app::amenities::rest::bookings_check_in,
        app::home::rest::my_home,
    ),
    modifiers(&Bearer, &CommonErrors),
    tags((name = "auth"), (name = "access"), (name = "audit"), (name = "estate"), (name = "billing"), (name = "payments"), (name = "notify"), (name = "files"), (name = "tickets"), (name = "engineering"), (name = "governance"), (name = "community"), (name = "amenities"), (name = "home"))
)]
pub struct ApiDoc;

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
