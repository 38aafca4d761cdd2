//! The rules of an owners' assembly vote, exactly as the law states them, and nothing else:
//! who counts as a voter and with what area ([`Register`]), whether a matter had its quorum
//! and passed ([`tally_matter`]), and who an election elected ([`tally_election`]).
//!
//! The law (Civil Code arts. 278 and 1259; SPC 法释〔2009〕7号, rev. 2020, arts. 8–9):
//! - A unit's area is its exclusive area: registered (不动产登记簿), else measured (实测), else
//!   contract. The total is the sum over every unit of the community.
//! - One person per exclusive unit, except: every unit the developer has not sold, or sold but
//!   not delivered, counts together as one person; one buyer of several units is one person;
//!   the co-owners of a unit are one person. A voter's area is the sum of their units'.
//! - Quorum: participating area ≥ 2/3 of the total AND participating persons ≥ 2/3 of the total
//!   ("以上" includes the figure itself, art. 1259).
//! - Ordinary matters: agreeing area > 1/2 of the participating area AND agreeing persons > 1/2
//!   of the participating persons (过半数 is strictly more than half).
//! - Special matters (maintenance funds raised or continued, rebuilding, a changed use of common
//!   parts or their business use): ≥ 3/4 of the participating area AND of the persons.
//! - Abstentions and blank ballots participate but do not agree.
//!
//! Areas are integer hundredths of a square metre and every comparison is cross-multiplied in
//! `i128`: no float touches a tally.
use crate::estate::model::{Area, AreaSource, UnitStatus};
use crate::shared::ids::{PersonId, UnitId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One exclusive unit as the register takes it when voting opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterUnit {
    pub unit: UnitId,
    /// The legal area and its source (`estate::model::legal_area`); `None` when none is on record.
    pub area: Option<(Area, AreaSource)>,
    pub status: UnitStatus,
    /// The unit's owners and co-owners (for an undelivered unit: its buyers, who do not vote yet).
    pub owners: Vec<PersonId>,
}

/// Who one "person" of art. 278 is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum VoterKey {
    /// Every unit the developer has not sold, or sold but not delivered: one person.
    Developer,
    /// The owners of a unit, together: co-owners are one person, and the same owners holding
    /// several units are one buyer, so one person. Sorted, without repeats. A different set of
    /// owners is a different buyer (a unit A and B own together is not the unit B owns alone).
    Owners { owners: Vec<PersonId> },
}

impl VoterKey {
    /// The key of a unit's owners, in any order and with repeats.
    pub fn owners(mut owners: Vec<PersonId>) -> VoterKey {
        owners.sort_unstable();
        owners.dedup();
        VoterKey::Owners { owners }
    }

    /// May `person` cast this voter's ballot? (Any co-owner may; nobody casts the developer's
    /// ballot through this check: the committee records it.)
    pub fn includes(&self, person: PersonId) -> bool {
        match self {
            VoterKey::Developer => false,
            VoterKey::Owners { owners } => owners.binary_search(&person).is_ok(),
        }
    }
}

/// One person of the register: the units they count for and the sum of their areas.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Voter {
    pub key: VoterKey,
    pub units: Vec<UnitId>,
    /// Hundredths of a square metre.
    pub area: i64,
}

/// Why a register cannot be frozen: the records must say, for every unit, its area and (once
/// delivered) its owners.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum RegisterProblem {
    /// No registered, measured or contract area is on record.
    NoArea { unit: UnitId },
    /// Delivered, but nobody is recorded as its owner.
    NoOwner { unit: UnitId },
    /// The same unit twice in the input.
    Repeated { unit: UnitId },
}

impl RegisterProblem {
    /// The unit whose records need fixing.
    pub fn unit(&self) -> UnitId {
        match self {
            RegisterProblem::NoArea { unit }
            | RegisterProblem::NoOwner { unit }
            | RegisterProblem::Repeated { unit } => *unit,
        }
    }
}

/// The voter register of one community, frozen when voting opens: its persons (sorted by key,
/// so an index names a voter for as long as the register lives) and the total area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Register {
    voters: Vec<Voter>,
    total_area: i64,
    units: usize,
}

impl Register {
    /// Builds the register from every unit of the community, or lists every problem in the
    /// records that keeps it from being exact.
    pub fn build(units: &[RegisterUnit]) -> Result<Register, Vec<RegisterProblem>> {
        match Register::assemble(units) {
            (register, problems) if problems.is_empty() => Ok(register),
            (_, problems) => Err(problems),
        }
    }

    /// The register as far as the records allow, and what keeps it from being exact: a unit
    /// without an area counts with none, a delivered unit without an owner is left out, a
    /// repeated unit counts once. For checking the records, never for a tally.
    pub fn assemble(units: &[RegisterUnit]) -> (Register, Vec<RegisterProblem>) {
        let mut problems = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        let mut by_key: BTreeMap<VoterKey, Voter> = BTreeMap::new();
        let mut total_area = 0i64;
        for u in units {
            if !seen.insert(u.unit) {
                problems.push(RegisterProblem::Repeated { unit: u.unit });
                continue;
            }
            let area = match u.area {
                Some((a, _)) => a.0,
                None => {
                    problems.push(RegisterProblem::NoArea { unit: u.unit });
                    0
                }
            };
            let key = match u.status {
                UnitStatus::Unsold | UnitStatus::SoldUndelivered => VoterKey::Developer,
                UnitStatus::Delivered | UnitStatus::Occupied | UnitStatus::Vacant => {
                    if u.owners.is_empty() {
                        problems.push(RegisterProblem::NoOwner { unit: u.unit });
                        continue;
                    }
                    VoterKey::owners(u.owners.clone())
                }
            };
            total_area += area;
            let voter = by_key.entry(key.clone()).or_insert_with(|| Voter {
                key,
                units: Vec::new(),
                area: 0,
            });
            voter.units.push(u.unit);
            voter.area += area;
        }
        let mut voters: Vec<Voter> = by_key.into_values().collect();
        for v in &mut voters {
            v.units.sort_unstable();
        }
        (
            Register {
                voters,
                total_area,
                units: seen.len(),
            },
            problems,
        )
    }

    pub fn voters(&self) -> &[Voter] {
        &self.voters
    }

    /// The voter's index, for ballots.
    pub fn index_of(&self, key: &VoterKey) -> Option<usize> {
        self.voters.binary_search_by(|v| v.key.cmp(key)).ok()
    }

    /// The voter a person casts for, if any. A person in several owner sets (a unit alone and
    /// another with a spouse) is several voters: see [`Register::voters_of`].
    pub fn voters_of(&self, person: PersonId) -> Vec<usize> {
        (0..self.voters.len())
            .filter(|&i| self.voters[i].key.includes(person))
            .collect()
    }

    /// The total exclusive area, in hundredths of a square metre.
    pub fn total_area(&self) -> i64 {
        self.total_area
    }

    /// The total number of persons.
    pub fn total_persons(&self) -> i64 {
        self.voters.len() as i64
    }

    /// How many distinct units the register was built from.
    pub fn units(&self) -> usize {
        self.units
    }
}

/// One person of a register as the records show it: the units (by number) and their area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VoterRow {
    pub key: VoterKey,
    /// The owners' names, in the key's order (none for the developer).
    pub names: Vec<String>,
    pub units: Vec<String>,
    /// Hundredths of a square metre.
    pub area: i64,
}

/// A unit the register cannot count exactly, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProblemRow {
    pub number: String,
    pub problem: RegisterProblem,
}

/// The voter register of a community as it would be frozen today, for checking the records
/// before a vote opens. `complete` is false while any unit lacks an area or an owner: the
/// figures then leave those units out (or count them without area), and no vote may open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RegisterPreview {
    pub community_id: crate::shared::ids::OrgId,
    pub community: String,
    /// The day whose owners the register takes.
    pub on: chrono::NaiveDate,
    pub units: i64,
    /// Hundredths of a square metre.
    pub total_area: i64,
    pub total_persons: i64,
    /// The units the developer has not sold or not delivered (one person), if any.
    pub developer: Option<VoterRow>,
    /// Persons holding more than one unit, or one unit with co-owners.
    pub merged: i64,
    pub voters: Vec<VoterRow>,
    pub problems: Vec<ProblemRow>,
    pub complete: bool,
}

/// A voter's answer on one matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    /// 同意
    Agree,
    /// 反对
    Oppose,
    /// 弃权
    Abstain,
}

/// Which majority a matter needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Art. 278 (1)–(4), (7)–(9): more than half of the participating area and persons.
    Ordinary,
    /// Art. 278 (5)–(6) and the business use of common parts: three quarters of both.
    Special,
}

/// A count of persons and their area.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    pub persons: i64,
    /// Hundredths of a square metre.
    pub area: i64,
}

impl Count {
    fn add(&mut self, v: &Voter) {
        self.persons += 1;
        self.area += v.area;
    }
}

/// One matter's figures and verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatterResult {
    pub rule: Rule,
    pub total: Count,
    pub participating: Count,
    pub agree: Count,
    pub oppose: Count,
    /// Abstentions and blank answers: they participate and do not agree.
    pub abstain: Count,
    /// Two thirds of the area and of the persons took part.
    pub quorum: bool,
    /// The quorum was met and the rule's majority agreed.
    pub passed: bool,
}

/// A ballot the tally cannot count: nothing of it is counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum TallyError {
    /// The index names no voter of the register.
    UnknownVoter { voter: usize },
    /// The same voter twice on one matter (the ballot log keeps only the latest of a voter's).
    TwiceFromOneVoter { voter: usize },
    /// More candidates picked than the election allows.
    TooManyPicks {
        voter: usize,
        picked: usize,
        allowed: usize,
    },
    /// A pick names no candidate, or names one twice.
    BadPick { voter: usize, candidate: usize },
}

/// `part ≥ num/den × whole`: "以上" includes the figure itself (art. 1259).
pub fn at_least(part: i64, whole: i64, num: i64, den: i64) -> bool {
    i128::from(part) * i128::from(den) >= i128::from(whole) * i128::from(num)
}

/// `part > whole / 2`: 过半数 is strictly more than half.
pub fn more_than_half(part: i64, whole: i64) -> bool {
    i128::from(part) * 2 > i128::from(whole)
}

/// Two thirds of the area and two thirds of the persons took part (and someone did).
pub fn quorum(total: Count, participating: Count) -> bool {
    participating.persons > 0
        && at_least(participating.area, total.area, 2, 3)
        && at_least(participating.persons, total.persons, 2, 3)
}

/// Whether `agree` is the majority `rule` asks of `participating`, by area and by persons.
pub fn majority(rule: Rule, participating: Count, agree: Count) -> bool {
    if participating.persons == 0 {
        return false;
    }
    match rule {
        Rule::Ordinary => {
            more_than_half(agree.area, participating.area) && more_than_half(agree.persons, participating.persons)
        }
        Rule::Special => {
            at_least(agree.area, participating.area, 3, 4) && at_least(agree.persons, participating.persons, 3, 4)
        }
    }
}

/// Marks each voter once; the second mark of one voter is an error.
struct Seen(Vec<bool>);

impl Seen {
    fn new(register: &Register) -> Seen {
        Seen(vec![false; register.voters.len()])
    }
    fn mark(&mut self, voter: usize) -> Result<(), TallyError> {
        match self.0.get_mut(voter) {
            None => Err(TallyError::UnknownVoter { voter }),
            Some(true) => Err(TallyError::TwiceFromOneVoter { voter }),
            Some(seen) => {
                *seen = true;
                Ok(())
            }
        }
    }
}

/// Tallies one matter. `answers` holds one entry per voter who returned a ballot: the voter's
/// index in the register and their answer, `None` for a ballot left blank on this matter
/// (it participates as an abstention).
pub fn tally_matter(
    register: &Register,
    rule: Rule,
    answers: impl IntoIterator<Item = (usize, Option<Choice>)>,
) -> Result<MatterResult, TallyError> {
    let mut seen = Seen::new(register);
    let (mut participating, mut agree, mut oppose, mut abstain) =
        (Count::default(), Count::default(), Count::default(), Count::default());
    for (voter, choice) in answers {
        seen.mark(voter)?;
        let v = &register.voters[voter];
        participating.add(v);
        match choice {
            Some(Choice::Agree) => agree.add(v),
            Some(Choice::Oppose) => oppose.add(v),
            Some(Choice::Abstain) | None => abstain.add(v),
        }
    }
    let total = Count {
        persons: register.total_persons(),
        area: register.total_area,
    };
    let quorum = quorum(total, participating);
    Ok(MatterResult {
        rule,
        total,
        participating,
        agree,
        oppose,
        abstain,
        quorum,
        passed: quorum && majority(rule, participating, agree),
    })
}

/// One candidate's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateResult {
    /// The candidate's index in the election's list.
    pub candidate: usize,
    pub agree: Count,
    /// The agreement passes the ordinary-matter test (with the election's quorum met).
    pub passes: bool,
}

/// What an election decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElectionResult {
    pub seats: usize,
    pub total: Count,
    pub participating: Count,
    pub quorum: bool,
    /// Every candidate, in the list's order.
    pub candidates: Vec<CandidateResult>,
    /// Elected, best first: by agreeing persons, then agreeing area.
    pub elected: Vec<usize>,
    /// Candidates who passed and tie, on persons and area, for the last seats: none of them is
    /// elected; the committee runs a second round for those seats (no draw decides).
    pub tied: Vec<usize>,
}

/// Tallies an election of `seats` seats among `candidates` candidates, each voter picking at
/// most `max_picks`. `ballots` holds one entry per voter who returned the election ballot (an
/// empty pick list is a blank ballot: it participates).
pub fn tally_election<'a>(
    register: &Register,
    seats: usize,
    candidates: usize,
    max_picks: usize,
    ballots: impl IntoIterator<Item = (usize, &'a [usize])>,
) -> Result<ElectionResult, TallyError> {
    let mut seen = Seen::new(register);
    let mut participating = Count::default();
    let mut agree = vec![Count::default(); candidates];
    let mut picked = vec![usize::MAX; candidates];
    for (voter, picks) in ballots {
        seen.mark(voter)?;
        if picks.len() > max_picks {
            return Err(TallyError::TooManyPicks {
                voter,
                picked: picks.len(),
                allowed: max_picks,
            });
        }
        for &c in picks {
            // `picked[c] == voter` catches the same candidate twice on one ballot.
            if c >= candidates || picked[c] == voter {
                return Err(TallyError::BadPick { voter, candidate: c });
            }
            picked[c] = voter;
        }
        let v = &register.voters[voter];
        participating.add(v);
        for &c in picks {
            agree[c].add(v);
        }
    }
    let total = Count {
        persons: register.total_persons(),
        area: register.total_area,
    };
    let quorum = quorum(total, participating);
    let results: Vec<CandidateResult> = agree
        .iter()
        .enumerate()
        .map(|(candidate, &agree)| CandidateResult {
            candidate,
            agree,
            passes: quorum && majority(Rule::Ordinary, participating, agree),
        })
        .collect();
    let mut ranked: Vec<&CandidateResult> = results.iter().filter(|c| c.passes).collect();
    /// Best first: more agreeing persons, then more agreeing area.
    fn rank(c: &CandidateResult) -> (std::cmp::Reverse<i64>, std::cmp::Reverse<i64>) {
        (std::cmp::Reverse(c.agree.persons), std::cmp::Reverse(c.agree.area))
    }
    ranked.sort_by_key(|c| (rank(c), c.candidate));
    let (elected, tied) = if ranked.len() <= seats {
        (ranked.iter().map(|c| c.candidate).collect(), Vec::new())
    } else if seats == 0 || rank(ranked[seats - 1]) != rank(ranked[seats]) {
        (ranked.iter().take(seats).map(|c| c.candidate).collect(), Vec::new())
    } else {
        // The last seat's candidate and the first one left out rank equal: everyone of that
        // rank ties for the seats from the first of them on.
        let boundary = rank(ranked[seats]);
        let elected: Vec<usize> = ranked
            .iter()
            .take_while(|c| rank(c) < boundary)
            .map(|c| c.candidate)
            .collect();
        let tied: Vec<usize> = ranked
            .iter()
            .filter(|c| rank(c) == boundary)
            .map(|c| c.candidate)
            .collect();
        (elected, tied)
    };
    Ok(ElectionResult {
        seats,
        total,
        participating,
        quorum,
        candidates: results,
        elected,
        tied,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(id: i64, area: i64, status: UnitStatus, owners: &[i64]) -> RegisterUnit {
        RegisterUnit {
            unit: UnitId(id),
            area: Some((Area(area), AreaSource::Registered)),
            status,
            owners: owners.iter().map(|&p| PersonId(p)).collect(),
        }
    }

    /// `n` units of `area` each, unit i owned by person i alone.
    fn simple(n: i64, area: i64) -> Register {
        Register::build(
            &(1..=n)
                .map(|i| unit(i, area, UnitStatus::Occupied, &[i]))
                .collect::<Vec<_>>(),
        )
        .unwrap()
    }

    fn key(owners: &[i64]) -> VoterKey {
        VoterKey::owners(owners.iter().map(|&p| PersonId(p)).collect())
    }

    #[test]
    fn the_developer_stock_is_one_person_with_all_its_area() {
        let r = Register::build(&[
            unit(1, 10_000, UnitStatus::Unsold, &[]),
            unit(2, 12_000, UnitStatus::SoldUndelivered, &[7]),
            unit(3, 9_000, UnitStatus::Occupied, &[7]),
            unit(4, 8_000, UnitStatus::Vacant, &[8]),
        ])
        .unwrap();
        assert_eq!(r.total_persons(), 3);
        assert_eq!(r.total_area(), 39_000);
        let dev = &r.voters()[r.index_of(&VoterKey::Developer).unwrap()];
        assert_eq!((dev.units.clone(), dev.area), (vec![UnitId(1), UnitId(2)], 22_000));
        // The buyer of the undelivered unit votes only for the unit delivered to them.
        let buyer = &r.voters()[r.index_of(&key(&[7])).unwrap()];
        assert_eq!((buyer.units.clone(), buyer.area), (vec![UnitId(3)], 9_000));
    }

    #[test]
    fn one_buyer_of_several_units_is_one_person_and_co_owners_are_one() {
        let r = Register::build(&[
            unit(1, 8_957, UnitStatus::Occupied, &[1]),
            unit(2, 10_000, UnitStatus::Delivered, &[1]),
            // Co-owners in either order, the same person listed twice: one owner set.
            unit(3, 12_000, UnitStatus::Occupied, &[2, 3]),
            unit(4, 7_000, UnitStatus::Occupied, &[3, 2, 2]),
            // Person 1 with a spouse is another buyer than person 1 alone.
            unit(5, 9_000, UnitStatus::Occupied, &[1, 4]),
        ])
        .unwrap();
        assert_eq!(r.total_persons(), 3);
        assert_eq!(r.voters()[r.index_of(&key(&[1])).unwrap()].area, 18_957);
        assert_eq!(
            r.voters()[r.index_of(&key(&[3, 2])).unwrap()].units,
            vec![UnitId(3), UnitId(4)]
        );
        assert_eq!(r.voters_of(PersonId(1)).len(), 2, "person 1 may cast for two voters");
        assert_eq!(r.voters_of(PersonId(3)), vec![r.index_of(&key(&[2, 3])).unwrap()]);
        assert!(r.voters_of(PersonId(99)).is_empty());
        assert!(!VoterKey::Developer.includes(PersonId(1)));
    }

    #[test]
    fn every_area_source_counts_and_a_unit_without_area_or_owner_stops_the_register() {
        use crate::estate::model::legal_area;
        let mk = |id, area| RegisterUnit {
            unit: UnitId(id),
            area,
            status: UnitStatus::Occupied,
            owners: vec![PersonId(id)],
        };
        let r = Register::build(&[
            mk(1, legal_area(Some(9_000), Some(9_100), Some(9_200))),
            mk(2, legal_area(None, Some(9_100), Some(9_200))),
            mk(3, legal_area(None, None, Some(9_200))),
        ])
        .unwrap();
        assert_eq!(r.total_area(), 9_000 + 9_100 + 9_200);

        let problems = Register::build(&[
            mk(1, None),
            RegisterUnit {
                owners: vec![],
                ..mk(2, legal_area(Some(1), None, None))
            },
            // Undelivered: no owner is needed, the developer counts.
            RegisterUnit {
                owners: vec![],
                status: UnitStatus::Unsold,
                ..mk(3, legal_area(Some(1), None, None))
            },
            mk(4, legal_area(Some(1), None, None)),
            mk(4, legal_area(Some(1), None, None)),
        ])
        .unwrap_err();
        assert_eq!(
            problems,
            vec![
                RegisterProblem::NoArea { unit: UnitId(1) },
                RegisterProblem::NoOwner { unit: UnitId(2) },
                RegisterProblem::Repeated { unit: UnitId(4) },
            ]
        );
        // For checking the records: the rest counts, unit 1 without area, unit 2 left out.
        let (r, problems) = Register::assemble(&[
            mk(1, None),
            RegisterUnit {
                owners: vec![],
                ..mk(2, legal_area(Some(5), None, None))
            },
            mk(3, legal_area(Some(7), None, None)),
        ]);
        assert_eq!(problems.len(), 2);
        assert_eq!((r.units(), r.total_persons(), r.total_area()), (3, 2, 7));
    }

    #[test]
    fn the_thresholds_are_exact_at_their_boundaries() {
        // Exactly two thirds is enough ("以上"), one hundredth less is not.
        assert!(at_least(200, 300, 2, 3));
        assert!(!at_least(199, 300, 2, 3));
        assert!(at_least(2, 3, 2, 3));
        assert!(!at_least(1, 2, 2, 3));
        // Exactly half is not more than half.
        assert!(!more_than_half(50, 100));
        assert!(more_than_half(51, 100));
        assert!(!more_than_half(1, 3) && more_than_half(2, 3));
        // Exactly three quarters is enough.
        assert!(at_least(75, 100, 3, 4));
        assert!(!at_least(74, 100, 3, 4));
        // Large areas do not overflow: 20 000 units of 99 999.99 ㎡.
        let big = 20_000 * 9_999_999;
        assert!(at_least(big / 3 * 2, big / 3 * 3, 2, 3));
        assert!(!more_than_half(i64::MAX / 2, i64::MAX - 1));
    }

    /// 12 persons of 100 ㎡ each: the figures move one person (and 100 ㎡) at a time.
    fn answers(agree: usize, oppose: usize, abstain: usize, blank: usize) -> Vec<(usize, Option<Choice>)> {
        let mut v = Vec::new();
        let mut i = 0;
        for (n, c) in [
            (agree, Some(Choice::Agree)),
            (oppose, Some(Choice::Oppose)),
            (abstain, Some(Choice::Abstain)),
            (blank, None),
        ] {
            for _ in 0..n {
                v.push((i, c));
                i += 1;
            }
        }
        v
    }

    #[test]
    fn quorum_needs_two_thirds_of_persons_and_area_inclusive() {
        let r = simple(12, 10_000);
        // 8 of 12 persons and 800 of 1 200 ㎡: exactly two thirds of each.
        let t = tally_matter(&r, Rule::Ordinary, answers(8, 0, 0, 0)).unwrap();
        assert_eq!(
            t.participating,
            Count {
                persons: 8,
                area: 80_000
            }
        );
        assert!(t.quorum && t.passed);
        let t = tally_matter(&r, Rule::Ordinary, answers(7, 0, 0, 0)).unwrap();
        assert!(!t.quorum && !t.passed, "7 of 12 is below two thirds");

        // Persons enough, area one hundredth short: no quorum. A register of 12 units where
        // 8 voters hold exactly 2/3 of the area minus 0.01 ㎡.
        let mut units: Vec<RegisterUnit> = (1..=12).map(|i| unit(i, 10_000, UnitStatus::Occupied, &[i])).collect();
        units[0].area = Some((Area(9_999), AreaSource::Measured));
        let r = Register::build(&units).unwrap();
        // Total 119 999; two thirds is 79 999.33: 8 units hold 79 999 → short.
        let t = tally_matter(&r, Rule::Ordinary, answers(8, 0, 0, 0)).unwrap();
        assert_eq!(t.participating.area, 79_999);
        assert!(!t.quorum);
        // Area enough, persons short: one voter with a large area.
        let mut units: Vec<RegisterUnit> = (1..=12).map(|i| unit(i, 10_000, UnitStatus::Occupied, &[i])).collect();
        units[0].area = Some((Area(1_000_000), AreaSource::Registered));
        let r = Register::build(&units).unwrap();
        let t = tally_matter(&r, Rule::Ordinary, answers(7, 0, 0, 0)).unwrap();
        assert!(t.participating.area * 3 >= t.total.area * 2 && !t.quorum);
    }

    /// Voters 0, 1 and 2 agree, voter 3 opposes.
    const THREE_FOR_ONE_AGAINST: [(usize, Option<Choice>); 4] = [
        (0, Some(Choice::Agree)),
        (1, Some(Choice::Agree)),
        (2, Some(Choice::Agree)),
        (3, Some(Choice::Oppose)),
    ];

    #[test]
    fn an_ordinary_matter_needs_more_than_half_of_both() {
        let r = simple(12, 10_000);
        // 12 participate; 6 agree is exactly half: fails. 7 passes.
        let t = tally_matter(&r, Rule::Ordinary, answers(6, 6, 0, 0)).unwrap();
        assert!(t.quorum && !t.passed);
        let t = tally_matter(&r, Rule::Ordinary, answers(7, 5, 0, 0)).unwrap();
        assert!(t.passed);
        // Abstentions and blanks participate and do not agree: 5 agree of 9 passes, of 10 fails.
        let t = tally_matter(&r, Rule::Ordinary, answers(5, 0, 3, 1)).unwrap();
        assert_eq!((t.participating.persons, t.abstain.persons, t.agree.persons), (9, 4, 5));
        assert!(t.passed);
        let t = tally_matter(&r, Rule::Ordinary, answers(5, 0, 3, 2)).unwrap();
        assert!(!t.passed);

        // Persons agree by more than half, area by exactly half: fails.
        let mut units: Vec<RegisterUnit> = (1..=4).map(|i| unit(i, 10_000, UnitStatus::Occupied, &[i])).collect();
        units[3].area = Some((Area(30_000), AreaSource::Registered));
        let r = Register::build(&units).unwrap();
        // Voters 0,1,2 (300 ㎡) agree, voter 3 (300 ㎡) opposes: 3 of 4 persons, 300 of 600 ㎡.
        let t = tally_matter(&r, Rule::Ordinary, THREE_FOR_ONE_AGAINST).unwrap();
        assert!(t.quorum && !t.passed);
        assert_eq!((t.agree.area, t.participating.area), (30_000, 60_000));
        // One hundredth more agreeing area passes.
        units[0].area = Some((Area(10_001), AreaSource::Registered));
        let r = Register::build(&units).unwrap();
        let t = tally_matter(&r, Rule::Ordinary, THREE_FOR_ONE_AGAINST).unwrap();
        assert!(t.passed);
    }

    #[test]
    fn a_special_matter_needs_three_quarters_of_both_inclusive() {
        let r = simple(12, 10_000);
        // 12 participate: 9 agree is exactly three quarters.
        let t = tally_matter(&r, Rule::Special, answers(9, 3, 0, 0)).unwrap();
        assert!(t.passed);
        let t = tally_matter(&r, Rule::Special, answers(8, 3, 1, 0)).unwrap();
        assert!(!t.passed);
        // The same 8 of 12 pass an ordinary matter.
        let t = tally_matter(&r, Rule::Ordinary, answers(8, 3, 1, 0)).unwrap();
        assert!(t.passed);
        // Persons three quarters, area one hundredth short.
        let mut units: Vec<RegisterUnit> = (1..=4).map(|i| unit(i, 10_000, UnitStatus::Occupied, &[i])).collect();
        units[3].area = Some((Area(10_003), AreaSource::Registered));
        let r = Register::build(&units).unwrap();
        // Agree 300 ㎡ of 400.03: 3/4 of 40 003 is 30 002.25.
        let t = tally_matter(&r, Rule::Special, THREE_FOR_ONE_AGAINST).unwrap();
        assert!(t.quorum && !t.passed);
    }

    #[test]
    fn a_ballot_the_tally_cannot_count_is_an_error_not_a_guess() {
        let r = simple(3, 10_000);
        assert_eq!(
            tally_matter(
                &r,
                Rule::Ordinary,
                [(0, Some(Choice::Agree)), (0, Some(Choice::Oppose))]
            ),
            Err(TallyError::TwiceFromOneVoter { voter: 0 })
        );
        assert_eq!(
            tally_matter(&r, Rule::Ordinary, [(3, None)]),
            Err(TallyError::UnknownVoter { voter: 3 })
        );
        let t = tally_matter(&r, Rule::Ordinary, []).unwrap();
        assert!(!t.quorum && !t.passed);
        let empty = Register::build(&[]).unwrap();
        assert!(!tally_matter(&empty, Rule::Ordinary, []).unwrap().quorum);
    }

    #[test]
    fn an_election_elects_the_passing_candidates_best_first() {
        let r = simple(12, 10_000);
        // 3 seats, 4 candidates, at most 3 picks; all 12 participate.
        let b: Vec<(usize, Vec<usize>)> = (0..12)
            .map(|v| {
                let picks = match v {
                    0..=8 => vec![0, 1],     // 9 for candidates 0 and 1
                    9 | 10 => vec![2, 3, 1], // 11 for candidate 1
                    _ => vec![],             // a blank ballot participates
                };
                (v, picks)
            })
            .collect();
        let e = tally_election(&r, 3, 4, 3, b.iter().map(|(v, p)| (*v, p.as_slice()))).unwrap();
        assert_eq!(e.participating.persons, 12);
        assert_eq!(
            e.candidates[1].agree,
            Count {
                persons: 11,
                area: 110_000
            }
        );
        assert_eq!(e.candidates[2].agree.persons, 2);
        assert!(!e.candidates[2].passes);
        assert_eq!(
            e.elected,
            vec![1, 0],
            "candidate 2 and 3 do not pass; a seat stays empty"
        );
        assert!(e.tied.is_empty());
    }

    #[test]
    fn an_unresolved_tie_for_the_last_seat_is_reported_not_drawn() {
        let r = simple(12, 10_000);
        // 2 seats; candidates 0 (9 votes), 1 and 2 (7 each, same area): 1 and 2 tie for seat 2.
        let b: Vec<(usize, Vec<usize>)> = (0..12)
            .map(|v| {
                let picks = match v {
                    0..=3 => vec![0, 1],
                    4..=7 => vec![0, 2],
                    8 => vec![0],
                    _ => vec![1, 2],
                };
                (v, picks)
            })
            .collect();
        let e = tally_election(&r, 2, 3, 2, b.iter().map(|(v, p)| (*v, p.as_slice()))).unwrap();
        assert_eq!((e.candidates[1].agree.persons, e.candidates[2].agree.persons), (7, 7));
        assert!(e.candidates.iter().all(|c| c.passes));
        assert_eq!(e.elected, vec![0]);
        assert_eq!(e.tied, vec![1, 2]);

        // Equal persons, different area: area decides, no tie. Voter 0 (for 0 and 1) holds
        // 0.01 ㎡ more.
        let mut units: Vec<RegisterUnit> = (1..=12).map(|i| unit(i, 10_000, UnitStatus::Occupied, &[i])).collect();
        units[0].area = Some((Area(10_001), AreaSource::Registered));
        let r = Register::build(&units).unwrap();
        let e = tally_election(&r, 2, 3, 2, b.iter().map(|(v, p)| (*v, p.as_slice()))).unwrap();
        assert_eq!(
            (e.candidates[1].agree.area, e.candidates[2].agree.area),
            (70_001, 70_000)
        );
        assert_eq!(e.elected, vec![0, 1]);
        assert!(e.tied.is_empty());
    }

    #[test]
    fn more_passing_candidates_than_seats_fill_the_seats_by_rank_and_half_is_not_enough() {
        let r = simple(12, 10_000);
        // 2 seats; 0: 11 votes, 1: 9, 2: 8 (passes, but the seats are taken: no tie to
        // report), 3 and 4: exactly half (6 of 12), which is not more than half.
        let b: Vec<(usize, Vec<usize>)> = (0..12)
            .map(|v| {
                let picks = match v {
                    0..=5 => vec![0, 1, 2, 4],
                    6..=8 => vec![0, 1, 3],
                    9 => vec![0, 2, 3],
                    10 => vec![0, 3, 2],
                    _ => vec![3],
                };
                (v, picks)
            })
            .collect();
        let e = tally_election(&r, 2, 5, 4, b.iter().map(|(v, p)| (*v, p.as_slice()))).unwrap();
        let persons: Vec<i64> = e.candidates.iter().map(|c| c.agree.persons).collect();
        assert_eq!(persons, vec![11, 9, 8, 6, 6]);
        assert_eq!(
            e.candidates.iter().map(|c| c.passes).collect::<Vec<_>>(),
            vec![true, true, true, false, false]
        );
        assert_eq!(e.elected, vec![0, 1]);
        assert!(e.tied.is_empty());
        // Three seats: candidate 2 takes the third.
        let e = tally_election(&r, 3, 5, 4, b.iter().map(|(v, p)| (*v, p.as_slice()))).unwrap();
        assert_eq!(e.elected, vec![0, 1, 2]);
    }

    #[test]
    fn an_election_ballot_with_too_many_or_bad_picks_is_refused() {
        let r = simple(3, 10_000);
        let too_many = [0usize, 1, 2];
        assert_eq!(
            tally_election(&r, 1, 3, 2, [(0, &too_many[..])]),
            Err(TallyError::TooManyPicks {
                voter: 0,
                picked: 3,
                allowed: 2
            })
        );
        let twice = [1usize, 1];
        assert_eq!(
            tally_election(&r, 1, 3, 2, [(0, &twice[..])]),
            Err(TallyError::BadPick { voter: 0, candidate: 1 })
        );
        let unknown = [5usize];
        assert_eq!(
            tally_election(&r, 1, 3, 2, [(0, &unknown[..])]),
            Err(TallyError::BadPick { voter: 0, candidate: 5 })
        );
        // Without quorum nobody is elected.
        let one = [0usize];
        let e = tally_election(&r, 1, 3, 2, [(0, &one[..])]).unwrap();
        assert!(!e.quorum && e.elected.is_empty());
    }
}
