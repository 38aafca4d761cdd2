//! What 首页 shows, in one request (wasm-safe).
use crate::billing::model::HomeDue;
use crate::community::model::CommunityTab;
use crate::shared::money::Money;
use crate::tickets::model::TicketRow;
use serde::{Deserialize, Serialize};

/// The resident's day at a glance: what each home owes (and the total), the repairs and
/// complaints still being worked on, and the 社区 tab's notices, surveys and events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HomeGlance {
    /// One per home on record now; empty: no home is bound yet.
    pub homes: Vec<HomeDue>,
    /// What all homes owe today, late fees included.
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub due: Money,
    /// The newest tickets still open (at most three).
    pub tickets: Vec<TicketRow>,
    /// How many tickets are open.
    pub open_tickets: u64,
    pub community: CommunityTab,
}

impl HomeGlance {
    /// Puts the homes' dues together (principal and late fees).
    pub fn total(homes: &[HomeDue]) -> Money {
        homes.iter().fold(Money::ZERO, |a, h| a + h.due + h.late_fees)
    }
}
