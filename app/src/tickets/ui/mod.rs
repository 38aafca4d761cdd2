//! Pages of service tickets: residents' 报修 tab, the staff ticket desk, setup and reports.
mod actions;
mod parts;
mod reports;
mod resident;
mod setup;
mod staff;

/// A ticket in a list, as 首页 shows the open ones too.
pub use parts::TicketCard;
pub use reports::ServiceReportsPage;
pub use resident::{MyTicketPage, NewTicketPage, RepairPage};
pub use setup::ServiceSetupPage;
pub use staff::{HotlinePage, ServiceTicketsPage, StaffTicketPage};
