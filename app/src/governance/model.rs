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

crate::code_enum! {
    /// A voter's answer on one matter.
    pub enum Choice {
        /// 同意
        Agree = "agree",
        /// 反对
        Oppose = "oppose",
        /// 弃权
        Abstain = "abstain",
    }
}

crate::code_enum! {
    /// Which majority a matter needs.
    pub enum Rule {
        /// Art. 278 (1)–(5) and (9): rules of procedure, the 管理规约, the committee, the
        /// property company, using the maintenance funds, other major matters. More than half
        /// of the participating area and of the participating persons.
        Ordinary = "ordinary",
        /// Art. 278 (6)–(8): raising the maintenance funds, rebuilding, changing the use of
        /// common parts or using them for business. Three quarters of both.
        Special = "special",
    }
}

/// A count of persons and their area.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CandidateResult {
    /// The candidate's index in the election's list.
    pub candidate: usize,
    pub agree: Count,
    /// The agreement passes the ordinary-matter test (with the election's quorum met).
    pub passes: bool,
}

/// What an election decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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

impl VoterKey {
    /// The key as stored: `developer` or `owners:<sorted person ids>`.
    pub fn code(&self) -> String {
        match self {
            VoterKey::Developer => "developer".into(),
            VoterKey::Owners { owners } => format!(
                "owners:{}",
                owners.iter().map(|p| p.0.to_string()).collect::<Vec<_>>().join(",")
            ),
        }
    }

    /// The key of a stored code, `None` for anything else.
    pub fn parse(s: &str) -> Option<VoterKey> {
        if s == "developer" {
            return Some(VoterKey::Developer);
        }
        let ids = s.strip_prefix("owners:")?;
        let owners: Option<Vec<PersonId>> = ids.split(',').map(|i| i.parse().ok().map(PersonId)).collect();
        Some(VoterKey::owners(owners?)).filter(|k| matches!(k, VoterKey::Owners { owners } if !owners.is_empty()))
    }
}

impl Register {
    /// The register as frozen when voting opened: its voters in index order and its totals.
    /// `None` when the voters are not sorted by key without repeats (a damaged register).
    pub fn frozen(voters: Vec<Voter>, total_area: i64, units: usize) -> Option<Register> {
        voters.windows(2).all(|w| w[0].key < w[1].key).then_some(Register {
            voters,
            total_area,
            units,
        })
    }
}

crate::code_enum! {
    /// Where a meeting stands. 草稿 → 已公告 (notice given) → 投票中 → 已截止 → 已公布.
    pub enum MeetingStatus {
        Draft = "draft",
        Noticed = "noticed",
        Open = "open",
        Closed = "closed",
        Published = "published",
    }
}

crate::code_enum! {
    /// What one item of a meeting asks.
    pub enum ItemKind {
        /// 表决事项: agree, oppose or abstain.
        Matter = "matter",
        /// 选举: pick at most N candidates.
        Election = "election",
    }
}

crate::code_enum! {
    /// How a ballot reached the committee.
    pub enum BallotSource {
        /// Cast by an owner on their phone or computer.
        Online = "online",
        /// 书面表决票: signed on paper, entered by the committee from its scan.
        Paper = "paper",
    }
}

crate::code_enum! {
    /// What the committee does to a meeting next.
    pub enum MeetingAction {
        /// 发布公告: the notice goes to every owner; the matters are fixed from now on.
        Notice = "notice",
        /// 开始投票: freezes the register (needs the notice period to have passed).
        Open = "open",
        /// 截止投票: after the announced close.
        Close = "close",
        /// 公布结果: tallies the ballots and publishes the result with the log's head.
        Publish = "publish",
    }
}

/// A voter's answer to one item: a choice on a matter, the picked candidates (their indexes in
/// the item's list) in an election. A missing answer (`null`) is a blank: it participates and
/// does not agree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum Vote {
    Choice(Choice),
    Picks(Vec<u32>),
}

/// One answer per item of the meeting, in the items' order.
pub type Ballot = Vec<Option<Vote>>;

/// One item of a meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MeetingItem {
    pub id: i64,
    /// 1, 2, 3 … in the meeting.
    pub position: i32,
    pub title: String,
    pub body: String,
    pub kind: ItemKind,
    /// The majority a matter needs (elections use the ordinary one).
    pub rule: Rule,
    /// An election's seats and how many candidates one voter may pick (0 for a matter).
    pub seats: i32,
    pub max_picks: i32,
    pub candidates: Vec<String>,
}

/// Why a ballot cannot be taken: nothing of it is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BallotProblem {
    /// Not one answer per item.
    Shape,
    /// A mark names no item, or a choice on an election, or picks on a matter.
    BadMark,
    /// Two answers to one matter.
    TwoChoices,
    TooManyPicks,
    /// A pick names no candidate, or the same one twice.
    BadPick,
}

impl BallotProblem {
    /// The message key of the problem.
    pub fn key(self) -> &'static str {
        match self {
            BallotProblem::Shape => "gov.err_ballot_shape",
            BallotProblem::BadMark => "gov.err_bad_mark",
            BallotProblem::TwoChoices => "gov.err_two_choices",
            BallotProblem::TooManyPicks => "gov.err_too_many_picks",
            BallotProblem::BadPick => "gov.err_bad_pick",
        }
    }
}

/// Whether `ballot` answers `items` as they allow: one entry per item, a choice for a matter,
/// at most `max_picks` distinct candidates of the list for an election.
pub fn check_ballot(items: &[MeetingItem], ballot: &Ballot) -> Result<(), BallotProblem> {
    if ballot.len() != items.len() {
        return Err(BallotProblem::Shape);
    }
    for (item, answer) in items.iter().zip(ballot) {
        match (item.kind, answer) {
            (_, None) | (ItemKind::Matter, Some(Vote::Choice(_))) => {}
            (ItemKind::Election, Some(Vote::Picks(p))) => {
                if p.len() > item.max_picks.max(0) as usize {
                    return Err(BallotProblem::TooManyPicks);
                }
                let mut seen = std::collections::BTreeSet::new();
                if p.iter()
                    .any(|&c| c as usize >= item.candidates.len() || !seen.insert(c))
                {
                    return Err(BallotProblem::BadPick);
                }
            }
            _ => return Err(BallotProblem::BadMark),
        }
    }
    Ok(())
}

/// The ballot a form posts: marks `"<item index>:<agree|oppose|abstain>"` for matters and
/// `"<item index>:<candidate index>"` for each pick in an election (a form without script
/// posts checked boxes and radio buttons only, so unanswered items are simply absent).
pub fn ballot_from_marks(items: &[MeetingItem], marks: &[String]) -> Result<Ballot, BallotProblem> {
    let mut ballot: Ballot = vec![None; items.len()];
    for m in marks {
        let (i, v) = m.split_once(':').ok_or(BallotProblem::BadMark)?;
        let i: usize = i.trim().parse().map_err(|_| BallotProblem::BadMark)?;
        let item = items.get(i).ok_or(BallotProblem::BadMark)?;
        match item.kind {
            ItemKind::Matter => {
                let c = Choice::parse(v.trim()).ok_or(BallotProblem::BadMark)?;
                if ballot[i].replace(Vote::Choice(c)).is_some() {
                    return Err(BallotProblem::TwoChoices);
                }
            }
            ItemKind::Election => {
                let c: u32 = v.trim().parse().map_err(|_| BallotProblem::BadPick)?;
                match &mut ballot[i] {
                    Some(Vote::Picks(p)) => p.push(c),
                    slot => *slot = Some(Vote::Picks(vec![c])),
                }
            }
        }
    }
    check_ballot(items, &ballot)?;
    Ok(ballot)
}

/// A voter's receipt code: the first 16 hex digits of their ballot's log hash, in groups of
/// four (`3F9A-12BC-77D0-E1A4`). Anyone holding it finds the ballot in the published log.
pub fn receipt_of(hash: &str) -> String {
    let h: String = hash.chars().take(16).collect::<String>().to_uppercase();
    h.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// What one item decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ItemOutcome {
    Matter(MatterResult),
    Election(ElectionResult),
}

/// One item's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ItemResult {
    pub item: i64,
    pub position: i32,
    pub title: String,
    pub outcome: ItemOutcome,
}

/// The tally of a meeting: every item, from the ballots in force when it was taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MeetingResult {
    /// The ballot log's head hash the tally was taken from: anyone re-walking the exported log
    /// must reach it.
    pub head: String,
    /// Log rows (ballots cast and replaced).
    pub log_rows: i64,
    pub total: Count,
    pub participating: Count,
    pub items: Vec<ItemResult>,
}

/// Tallies every item of a meeting from each voter's ballot in force (voter index, ballot).
pub fn tally_meeting(
    register: &Register,
    items: &[MeetingItem],
    ballots: &[(usize, Ballot)],
) -> Result<Vec<ItemResult>, TallyError> {
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let answer = |b: &Ballot| b.get(i).cloned().flatten();
        let outcome = match item.kind {
            ItemKind::Matter => ItemOutcome::Matter(tally_matter(
                register,
                item.rule,
                ballots.iter().map(|(v, b)| {
                    (
                        *v,
                        match answer(b) {
                            Some(Vote::Choice(c)) => Some(c),
                            _ => None,
                        },
                    )
                }),
            )?),
            ItemKind::Election => {
                let picks: Vec<(usize, Vec<usize>)> = ballots
                    .iter()
                    .map(|(v, b)| {
                        (
                            *v,
                            match answer(b) {
                                Some(Vote::Picks(p)) => p.into_iter().map(|c| c as usize).collect(),
                                _ => Vec::new(),
                            },
                        )
                    })
                    .collect();
                ItemOutcome::Election(tally_election(
                    register,
                    item.seats.max(0) as usize,
                    item.candidates.len(),
                    item.max_picks.max(0) as usize,
                    picks.iter().map(|(v, p)| (*v, p.as_slice())),
                )?)
            }
        };
        out.push(ItemResult {
            item: item.id,
            position: item.position,
            title: item.title.clone(),
            outcome,
        });
    }
    Ok(out)
}

/// A meeting in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MeetingRow {
    pub id: crate::shared::ids::MeetingId,
    pub community_id: crate::shared::ids::OrgId,
    pub community: String,
    pub title: String,
    pub status: MeetingStatus,
    pub opens_at: chrono::DateTime<chrono::Utc>,
    pub closes_at: chrono::DateTime<chrono::Utc>,
    /// Ballots are taken now: open, and between the opening and the close.
    pub voting: bool,
}

/// A meeting with its matters, its frozen register's totals, the turnout so far and, once
/// published, its result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Meeting {
    #[serde(flatten)]
    pub row: MeetingRow,
    pub body: String,
    pub allow_change: bool,
    /// 实名: the published log names each ballot's units.
    pub open_ballot: bool,
    pub notice_days: i32,
    /// Days before the close that owners who have not voted are reminded (0: never).
    #[serde(default)]
    pub remind_days: i32,
    pub noticed_at: Option<chrono::DateTime<chrono::Utc>>,
    pub opened_at: Option<chrono::DateTime<chrono::Utc>>,
    pub closed_at: Option<chrono::DateTime<chrono::Utc>>,
    pub published_at: Option<chrono::DateTime<chrono::Utc>>,
    pub items: Vec<MeetingItem>,
    /// The frozen register's totals (from the opening on).
    pub total: Option<Count>,
    /// Who has voted so far (from the opening on).
    pub turnout: Option<Count>,
    pub result: Option<MeetingResult>,
    /// Owners one proxy may vote for in this meeting.
    #[serde(default)]
    pub proxy_max: i32,
    /// The notice's attachments (PDF), readable by everyone who sees the meeting.
    #[serde(default)]
    pub attachments: Vec<crate::files::model::DocRef>,
    /// Corrections of the frozen register, oldest first.
    #[serde(default)]
    pub corrections: Vec<RegisterFix>,
}

/// A person of the frozen register the caller may cast for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MyVoter {
    /// The voter's index in the register.
    pub voter: i32,
    /// The units the voter counts for.
    pub units: String,
    /// Hundredths of a square metre.
    pub area: i64,
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Vec<Option<Vote>>>))]
    pub ballot: Option<Ballot>,
    pub receipt: Option<String>,
    pub cast_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The receipt of a paper ballot the committee entered for this voter, and when.
    #[serde(default)]
    pub paper_receipt: Option<String>,
    #[serde(default)]
    pub paper_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The caller casts this voter's ballot as its accepted proxy, not as an owner.
    #[serde(default)]
    pub as_proxy: bool,
    /// The voter's latest proxy (not for a proxy's own view).
    #[serde(default)]
    pub proxy: Option<Proxy>,
}

/// A voter of a meeting's frozen register, as the committee looks one up to enter a paper
/// ballot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RegisterVoter {
    /// The voter's index in the register.
    pub voter: i32,
    /// The units the voter counts for (`1-1-101、1-1-102`).
    pub units: String,
    /// Hundredths of a square metre.
    pub area: i64,
    /// The developer's unsold or undelivered stock (one person).
    pub developer: bool,
    /// Whether an online ballot, and a paper ballot, are in force for the voter.
    pub online: bool,
    pub paper: bool,
}

/// A voter with both a paper and an online ballot in force: neither counts until the committee
/// says which one stands, and the result cannot be published before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BallotConflict {
    pub voter: i32,
    pub units: String,
    pub area: i64,
    #[cfg_attr(feature = "ssr", schema(value_type = Vec<Option<Vote>>))]
    pub online: Ballot,
    pub online_at: chrono::DateTime<chrono::Utc>,
    #[cfg_attr(feature = "ssr", schema(value_type = Vec<Option<Vote>>))]
    pub paper: Ballot,
    pub paper_at: chrono::DateTime<chrono::Utc>,
    /// The scan's file id (`GET /api/v1/votes/{id}/scans/{file}`).
    pub scan: Option<i64>,
}

crate::code_enum! {
    /// Where an owner's proxy (委托投票) stands.
    pub enum ProxyStatus {
        /// 待审核: named by the owner, not yet checked by the committee.
        Pending = "pending",
        /// 已确认: the committee checked the signed authorization; the proxy may vote.
        Accepted = "accepted",
        /// 未通过: the committee rejected it, with its reason.
        Rejected = "rejected",
        /// 已撤回: the owner withdrew it (before or after acceptance).
        Withdrawn = "withdrawn",
    }
}

impl ProxyStatus {
    /// The codes of a proxy that still stands: pending or accepted (one per voter at most).
    pub const LIVE: [&'static str; 2] = ["pending", "accepted"];
}

/// A proxy (委托代理人) an owner named for their register voter in one meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Proxy {
    pub id: i64,
    pub meeting: crate::shared::ids::MeetingId,
    /// The principal: the voter's index in the register, and their units.
    pub voter: i32,
    pub units: String,
    /// Hundredths of a square metre.
    pub area: i64,
    /// The proxy as the authorization names them, and the phone they sign in with.
    pub name: String,
    pub phone: String,
    pub status: ProxyStatus,
    /// Why the committee rejected it.
    pub reason: Option<String>,
    pub requested_at: chrono::DateTime<chrono::Utc>,
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The photo of the signed authorization (`GET /api/v1/votes/{id}/proxies/{proxy}/authorization`).
    pub authorization: i64,
    /// Accepted proxies the same person holds in this meeting (the community allows
    /// `proxy_max`).
    pub holds: i64,
}

/// An owner names a proxy for register voter `voter`: the photo `authorization` of the signed
/// authorization is their own fresh upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewProxy {
    pub voter: i32,
    pub name: String,
    pub phone: String,
    pub authorization: i64,
}

/// The committee's word on a proxy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProxyDecision {
    pub accept: bool,
    /// Required when rejecting: the owner reads it.
    #[serde(default)]
    pub reason: String,
}

/// A correction of a meeting's frozen register: one voter's units re-read from the estate
/// records before the close. Everyone who sees the meeting sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RegisterFix {
    pub voter: i32,
    pub units: String,
    /// Hundredths of a square metre, before and after.
    pub old_area: i64,
    pub new_area: i64,
    /// The owners who may cast the voter's ballot changed (a transfer recorded late).
    pub owners_changed: bool,
    pub reason: String,
    pub at: chrono::DateTime<chrono::Utc>,
    /// The log row recording it.
    pub seq: i64,
}

/// Whether `phone` is a mainland mobile number (11 digits starting with 1), as typed with
/// spaces or dashes; the digits when it is.
pub fn mobile_digits(phone: &str) -> Option<String> {
    let d: String = phone.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    (d.len() == 11 && d.starts_with('1') && d.chars().all(|c| c.is_ascii_digit())).then_some(d)
}

/// A meeting as an owner (or another resident of the community) sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MyMeeting {
    pub meeting: Meeting,
    /// The voters the caller casts for (co-owners share one).
    pub voters: Vec<MyVoter>,
    /// Why the caller cannot vote (a message key), when they cannot: a tenant, a family
    /// member, or not on the frozen register.
    pub cannot_vote: Option<String>,
    /// The caller sits on the committee of the meeting's community: the page shows its tools.
    pub manages: bool,
    /// The caller is staff the community lets run its meetings' procedure (draft, notice,
    /// open, close, publish), nothing of the ballots.
    #[serde(default)]
    pub assists: bool,
}

/// One row of the exported ballot log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LogRow {
    pub seq: i64,
    /// `cast` (a voter's first ballot from this source), `replace` (a later one from the same
    /// source), or `resolve` (the committee settled a voter holding both a paper and an online
    /// ballot: `source` names the one that stands and `answers` repeats it; the other one no
    /// longer counts). Rows that carry no ballot (`answers` is empty): `proxy` (the committee
    /// accepted a proxy for the voter; `scan` is the SHA-256 of the signed authorization),
    /// `revoke` (the owner withdrew an accepted proxy), and `correct` (the register was
    /// corrected: `area` is the voter's area from this row on).
    pub kind: String,
    /// The voter's token in the register.
    pub voter: String,
    /// The voter's units (实名 meetings only).
    pub units: Option<String>,
    /// The voter's area, hundredths of a square metre.
    pub area: i64,
    pub source: String,
    #[cfg_attr(feature = "ssr", schema(value_type = Vec<Option<Vote>>))]
    pub answers: Ballot,
    pub at: String,
    /// SHA-256 of the scanned paper ballot a `paper` row was entered from.
    #[serde(default)]
    pub scan: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// The ballot log of a meeting, as anyone may re-walk and re-tally it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BallotLog {
    pub meeting: crate::shared::ids::MeetingId,
    pub total: Count,
    pub items: Vec<MeetingItem>,
    pub rows: Vec<LogRow>,
}

crate::code_enum! {
    /// A seat on the owners' committee.
    pub enum CommitteePosition {
        /// 主任
        Chair = "chair",
        /// 副主任
        ViceChair = "vice_chair",
        /// 委员
        Member = "member",
    }
}

impl CommitteePosition {
    /// The word a roster line ends with (`张三 主任`), as [`members_from_lines`] reads it.
    pub fn word(self) -> &'static str {
        match self {
            CommitteePosition::Chair => "主任",
            CommitteePosition::ViceChair => "副主任",
            CommitteePosition::Member => "委员",
        }
    }
}

/// One member of the owners' committee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CommitteeMember {
    pub name: String,
    pub position: CommitteePosition,
}

/// The owners' committee of a community as it keeps its roster: the current term, its filing
/// (备案) and the filing documents, its members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Roster {
    pub community: crate::shared::ids::OrgId,
    pub community_name: String,
    pub term_start: chrono::NaiveDate,
    pub term_end: chrono::NaiveDate,
    /// When and with whom the committee was filed (备案); `None` until filed.
    pub filed_on: Option<chrono::NaiveDate>,
    pub filed_with: String,
    pub members: Vec<CommitteeMember>,
    /// The filing documents (PDF), at `GET /api/v1/communities/{id}/committee/documents/{file}`.
    pub documents: Vec<crate::files::model::DocRef>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// The roster as the committee saves it (the whole roster each time).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewRoster {
    /// Taken from the address on `PUT`.
    #[serde(default = "no_org")]
    pub community: crate::shared::ids::OrgId,
    pub term_start: chrono::NaiveDate,
    pub term_end: chrono::NaiveDate,
    #[serde(default)]
    pub filed_on: Option<chrono::NaiveDate>,
    #[serde(default)]
    pub filed_with: String,
    pub members: Vec<CommitteeMember>,
    /// Filing documents uploaded through `POST /api/v1/files/documents`, added to those kept.
    #[serde(default)]
    pub documents: Vec<i64>,
}

/// Most members a roster holds, most years a term lasts (local rules keep terms at five years
/// or less), most filing documents.
pub const MAX_MEMBERS: usize = 21;
pub const MAX_TERM_YEARS: u64 = 5;
pub const MAX_ROSTER_DOCS: usize = 5;
/// PDFs one meeting's notice may carry.
pub const MAX_NOTICE_DOCS: usize = 10;

impl NewRoster {
    /// The field and message key of the first problem: a member without a name or with a long
    /// one, none or too many members, more than one 主任, a term that ends before it starts or
    /// lasts over five years, a filing day without an office (or the reverse).
    pub fn problem(&self) -> Option<(&'static str, &'static str)> {
        if self.members.is_empty() || self.members.len() > MAX_MEMBERS {
            return Some(("members", "gov.err_members_count"));
        }
        if self
            .members
            .iter()
            .any(|m| m.name.trim().is_empty() || m.name.trim().chars().count() > 20)
        {
            return Some(("members", "gov.err_member_name"));
        }
        if self
            .members
            .iter()
            .filter(|m| m.position == CommitteePosition::Chair)
            .count()
            > 1
        {
            return Some(("members", "gov.err_two_chairs"));
        }
        if self.term_end <= self.term_start {
            return Some(("term_end", "gov.err_term_order"));
        }
        if self.term_end > self.term_start + chrono::Months::new(12 * MAX_TERM_YEARS as u32) {
            return Some(("term_end", "gov.err_term_long"));
        }
        if self.filed_with.trim().chars().count() > 100 {
            return Some(("filed_with", "err.too_long"));
        }
        if self.filed_on.is_some() == self.filed_with.trim().is_empty() {
            return Some(("filed_with", "gov.err_filing"));
        }
        None
    }
}

/// Members from text, one per line, `姓名 职务` (主任, 副主任 or 委员; 委员 when left out).
pub fn members_from_lines(text: &str) -> Vec<CommitteeMember> {
    text.lines()
        .filter_map(|line| {
            let mut words: Vec<&str> = line.split_whitespace().collect();
            let position = words.last().and_then(|w| {
                [
                    CommitteePosition::Chair,
                    CommitteePosition::ViceChair,
                    CommitteePosition::Member,
                ]
                .into_iter()
                .find(|p| p.word() == *w || p.code() == *w)
            });
            if position.is_some() && words.len() > 1 {
                words.pop();
            }
            let name = words.join(" ");
            (!name.is_empty()).then(|| CommitteeMember {
                name,
                position: position.unwrap_or(CommitteePosition::Member),
            })
        })
        .collect()
}

/// A community's rules for its owners' assemblies, kept by its committee. A meeting copies them
/// when drafted, so a change never moves a meeting already under way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AssemblyRules {
    /// Taken from the address on `PUT`.
    #[serde(default = "no_org")]
    pub community: crate::shared::ids::OrgId,
    /// Days between the notice and the opening of a vote: at least 15 (物业管理条例 art. 14),
    /// more where local rules ask, at most 60.
    pub notice_days: i32,
    /// Days before the close that owners who have not voted are reminded, 1 to 14; 0 never.
    pub remind_days: i32,
    /// How many owners one proxy (委托代理人) may vote for in one meeting, 1 to 20.
    #[serde(default = "default_proxy_max")]
    pub proxy_max: i32,
    /// Property staff holding `people.write` over the community may run its meetings' procedure
    /// (draft, notice, open, close, publish). They never cast, enter, settle or accept ballots.
    #[serde(default)]
    pub staff_assist: bool,
}

fn default_proxy_max() -> i32 {
    DEFAULT_PROXY_MAX
}

fn no_org() -> crate::shared::ids::OrgId {
    crate::shared::ids::OrgId(0)
}

/// The national minimum notice, and the most a community may ask.
pub const MIN_NOTICE_DAYS: i32 = 15;
pub const MAX_NOTICE_DAYS: i32 = 60;
pub const MAX_REMIND_DAYS: i32 = 14;
/// Owners one proxy may vote for, by default and at most.
pub const DEFAULT_PROXY_MAX: i32 = 3;
pub const MAX_PROXY_MAX: i32 = 20;

impl Default for AssemblyRules {
    fn default() -> Self {
        AssemblyRules {
            community: crate::shared::ids::OrgId(0),
            notice_days: MIN_NOTICE_DAYS,
            remind_days: 3,
            proxy_max: DEFAULT_PROXY_MAX,
            staff_assist: false,
        }
    }
}

impl AssemblyRules {
    /// The field and message key of the first value out of range.
    pub fn problem(&self) -> Option<(&'static str, &'static str)> {
        if !(MIN_NOTICE_DAYS..=MAX_NOTICE_DAYS).contains(&self.notice_days) {
            Some(("notice_days", "gov.err_notice_days"))
        } else if !(0..=MAX_REMIND_DAYS).contains(&self.remind_days) {
            Some(("remind_days", "gov.err_remind_days"))
        } else if !(1..=MAX_PROXY_MAX).contains(&self.proxy_max) {
            Some(("proxy_max", "gov.err_proxy_max_range"))
        } else {
            None
        }
    }
}

/// A new meeting as the committee drafts it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewMeeting {
    pub community: crate::shared::ids::OrgId,
    pub title: String,
    #[serde(default)]
    pub body: String,
    /// `YYYY-MM-DD`: voting opens at 00:00 and closes at 24:00 (China time).
    pub opens_on: chrono::NaiveDate,
    pub closes_on: chrono::NaiveDate,
    #[serde(default)]
    pub allow_change: bool,
    #[serde(default)]
    pub open_ballot: bool,
}

/// A new item of a draft meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewMeetingItem {
    pub title: String,
    #[serde(default)]
    pub body: String,
    pub kind: ItemKind,
    pub rule: Rule,
    #[serde(default)]
    pub seats: i32,
    #[serde(default)]
    pub max_picks: i32,
    /// For an election: the candidates, one name each.
    #[serde(default)]
    pub candidates: Vec<String>,
}

/// The role (granted on a community) of a member of its owners' committee (业委会).
pub const COMMITTEE_ROLE: &str = "committee";

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

    fn items() -> Vec<MeetingItem> {
        let item = |id, kind, rule, seats, max_picks, candidates: &[&str]| MeetingItem {
            id,
            position: id as i32,
            title: format!("item {id}"),
            body: String::new(),
            kind,
            rule,
            seats,
            max_picks,
            candidates: candidates.iter().map(|c| c.to_string()).collect(),
        };
        vec![
            item(1, ItemKind::Matter, Rule::Special, 0, 0, &[]),
            item(2, ItemKind::Election, Rule::Ordinary, 1, 2, &["甲", "乙", "丙"]),
        ]
    }

    #[test]
    fn a_form_ballot_is_read_from_its_marks_and_anything_off_is_refused() {
        let it = items();
        let m = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            ballot_from_marks(&it, &m(&["0:agree", "1:2", "1:0"])),
            Ok(vec![Some(Vote::Choice(Choice::Agree)), Some(Vote::Picks(vec![2, 0]))])
        );
        // Nothing marked: a blank ballot, which takes part.
        assert_eq!(ballot_from_marks(&it, &[]), Ok(vec![None, None]));
        assert_eq!(
            ballot_from_marks(&it, &m(&["0:agree", "0:oppose"])),
            Err(BallotProblem::TwoChoices)
        );
        assert_eq!(
            ballot_from_marks(&it, &m(&["1:0", "1:1", "1:2"])),
            Err(BallotProblem::TooManyPicks)
        );
        assert_eq!(ballot_from_marks(&it, &m(&["1:1", "1:1"])), Err(BallotProblem::BadPick));
        assert_eq!(ballot_from_marks(&it, &m(&["1:3"])), Err(BallotProblem::BadPick));
        for bad in ["2:agree", "0:yes", "agree", "x:1", "0:1"] {
            assert_eq!(ballot_from_marks(&it, &m(&[bad])), Err(BallotProblem::BadMark), "{bad}");
        }
        // The JSON form: a choice on an election or picks on a matter do not fit.
        assert_eq!(
            check_ballot(&it, &vec![Some(Vote::Picks(vec![0])), None]),
            Err(BallotProblem::BadMark)
        );
        assert_eq!(check_ballot(&it, &vec![None]), Err(BallotProblem::Shape));
        let json: Ballot = serde_json::from_str(r#"["abstain",[1]]"#).unwrap();
        assert_eq!(
            json,
            vec![Some(Vote::Choice(Choice::Abstain)), Some(Vote::Picks(vec![1]))]
        );
        assert_eq!(serde_json::to_string(&json).unwrap(), r#"["abstain",[1]]"#);
    }

    #[test]
    fn a_meeting_tallies_each_item_by_its_own_rule() {
        // 4 persons of 100 ㎡; 3 agree on the special matter (exactly three quarters) and pick
        // candidate 0; one leaves both blank.
        let r = simple(4, 10_000);
        let b = |a: Option<Vote>, p: Option<Vote>| vec![a, p];
        let agree = || Some(Vote::Choice(Choice::Agree));
        let ballots = vec![
            (0, b(agree(), Some(Vote::Picks(vec![0, 1])))),
            (1, b(agree(), Some(Vote::Picks(vec![0])))),
            (2, b(agree(), Some(Vote::Picks(vec![0, 2])))),
            (3, b(None, None)),
        ];
        let out = tally_meeting(&r, &items(), &ballots).unwrap();
        match &out[0].outcome {
            ItemOutcome::Matter(t) => {
                assert_eq!((t.agree.persons, t.abstain.persons, t.participating.persons), (3, 1, 4));
                assert!(t.passed, "three quarters is enough for a special matter");
            }
            o => panic!("{o:?}"),
        }
        match &out[1].outcome {
            ItemOutcome::Election(e) => {
                assert_eq!(e.elected, vec![0]);
                assert_eq!(e.candidates[1].agree.persons, 1);
            }
            o => panic!("{o:?}"),
        }
    }

    #[test]
    fn a_voter_key_is_stored_and_read_back_and_a_receipt_is_the_hash_start() {
        for k in [VoterKey::Developer, key(&[3, 1])] {
            assert_eq!(VoterKey::parse(&k.code()), Some(k));
        }
        assert_eq!(key(&[3, 1]).code(), "owners:1,3");
        for bad in ["", "owners:", "owners:x", "dev", "owners:1,,2"] {
            assert_eq!(VoterKey::parse(bad), None, "{bad}");
        }
        assert_eq!(receipt_of("3f9a12bc77d0e1a4ffff"), "3F9A-12BC-77D0-E1A4");
        // A frozen register must be in key order, as the one it was frozen from.
        let r = simple(3, 100);
        let mut voters = r.voters().to_vec();
        assert!(Register::frozen(voters.clone(), r.total_area(), 3).is_some());
        voters.swap(0, 1);
        assert!(Register::frozen(voters, r.total_area(), 3).is_none());
    }

    #[test]
    fn a_roster_reads_one_member_per_line_and_refuses_what_no_committee_can_be() {
        let m = members_from_lines("张三 主任\n李四  副主任\n\n王五\nJohn Smith 委员\n");
        assert_eq!(
            m.iter().map(|m| (m.name.as_str(), m.position)).collect::<Vec<_>>(),
            [
                ("张三", CommitteePosition::Chair),
                ("李四", CommitteePosition::ViceChair),
                ("王五", CommitteePosition::Member),
                ("John Smith", CommitteePosition::Member),
            ]
        );
        let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let ok = NewRoster {
            community: crate::shared::ids::OrgId(1),
            term_start: day("2025-01-01"),
            term_end: day("2029-12-31"),
            filed_on: Some(day("2025-02-01")),
            filed_with: "桂花街道办事处".into(),
            members: m,
            documents: vec![],
        };
        assert_eq!(ok.problem(), None);
        let with = |f: &dyn Fn(&mut NewRoster)| {
            let mut r = ok.clone();
            f(&mut r);
            r.problem().map(|p| p.1)
        };
        assert_eq!(with(&|r| r.members.clear()), Some("gov.err_members_count"));
        assert_eq!(
            with(&|r| r.members[1].position = CommitteePosition::Chair),
            Some("gov.err_two_chairs")
        );
        assert_eq!(with(&|r| r.members[0].name = " ".into()), Some("gov.err_member_name"));
        assert_eq!(with(&|r| r.term_end = day("2025-01-01")), Some("gov.err_term_order"));
        // Five years to the day is a term; a day more is not.
        assert_eq!(with(&|r| r.term_end = day("2030-01-01")), None);
        assert_eq!(with(&|r| r.term_end = day("2030-01-02")), Some("gov.err_term_long"));
        assert_eq!(with(&|r| r.filed_with = String::new()), Some("gov.err_filing"));
        assert_eq!(
            with(&|r| {
                r.filed_on = None;
                r.filed_with = String::new();
            }),
            None
        );
    }
}
