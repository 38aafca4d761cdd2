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
    ),
    modifiers(&Bearer),
    tags((name = "auth"), (name = "access"), (name = "audit"), (name = "records"), (name = "billing"), (name = "payments"), (name = "notify"))
)]
pub struct ApiDoc;

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
