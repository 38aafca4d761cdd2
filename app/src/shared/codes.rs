//! Enums stored and sent as short text codes (`open`, `paid`): one declaration gives the
//! variants, their codes, `ALL`, `code()`, `parse()`, serde and OpenAPI in those codes, and (on
//! the server) a database value, so that no status is ever compared as a raw string.
//!
//! The database columns stay text: `db::entities` sits below every area and cannot name an
//! area's enum, so a row's code is parsed where the area reads it.

/// Declares a text-coded enum:
///
/// ```ignore
/// code_enum! {
///     /// Where a checkout stands.
///     pub enum CheckoutStatus { Creating = "creating", Open = "open" }
/// }
/// ```
#[macro_export]
macro_rules! code_enum {
    ($(#[$m:meta])* $vis:vis enum $name:ident { $($(#[$vm:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        $vis enum $name {
            $($(#[$vm])* #[serde(rename = $code)] $variant),+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The text code stored and sent.
            pub fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code),+
                }
            }

            /// The variant of a text code, `None` for any other text.
            pub fn parse(s: &str) -> Option<$name> {
                match s {
                    $($code => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.code().to_string()
            }
        }

        // By hand: utoipa's derive does not see a `serde(rename)` whose literal comes through
        // a macro, and documented the variant names (`Active`) instead of the codes sent.
        #[cfg(feature = "ssr")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($code),+]))
                    .into()
            }
        }

        #[cfg(feature = "ssr")]
        impl utoipa::ToSchema for $name {}

        #[cfg(feature = "ssr")]
        impl From<$name> for sea_orm::Value {
            fn from(v: $name) -> sea_orm::Value {
                v.code().into()
            }
        }
    };
}

#[cfg(test)]
mod tests {
    crate::code_enum! {
        /// A test enum.
        enum Light { Red = "red", AmberFlashing = "amber_flashing" }
    }

    #[test]
    fn codes_round_trip_and_serialize_as_codes() {
        for l in Light::ALL {
            assert_eq!(Light::parse(l.code()), Some(*l));
            assert_eq!(serde_json::to_string(l).unwrap(), format!("\"{}\"", l.code()));
        }
        assert_eq!(Light::parse("Red"), None);
        #[cfg(feature = "ssr")]
        {
            let schema = serde_json::to_value(<Light as utoipa::PartialSchema>::schema()).unwrap();
            assert_eq!(schema["enum"], serde_json::json!(["red", "amber_flashing"]), "{schema}");
        }
        assert_eq!(Light::AmberFlashing.to_string(), "amber_flashing");
        assert_eq!(String::from(Light::Red), "red");
        let v: Light = serde_json::from_str("\"amber_flashing\"").unwrap();
        assert_eq!(v, Light::AmberFlashing);
        assert!(serde_json::from_str::<Light>("\"green\"").is_err());
    }
}
