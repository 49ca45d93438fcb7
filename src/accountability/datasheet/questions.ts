/**
 * @module accountability/datasheet/questions
 * The questions of a datasheet for a dataset, in the seven sections of Gebru et al., "Datasheets
 * for Datasets", Communications of the ACM 64(12), 2021 (https://arxiv.org/abs/1803.09010):
 * motivation, composition, collection process, preprocessing/cleaning/labelling, uses,
 * distribution, maintenance. Worded in our own words; `required` marks the ones a datasheet is
 * incomplete without. Questions the data itself answers carry `fromData`.
 */

/** The seven sections, in the paper's order: the runtime list of the `DatasheetSection` union. */
export const DATASHEET_SECTIONS = {
  motivation: 'Motivation',
  composition: 'Composition',
  collection: 'Collection process',
  preprocessing: 'Preprocessing, cleaning and labelling',
  uses: 'Uses',
  distribution: 'Distribution',
  maintenance: 'Maintenance',
} as const satisfies Record<string, string>;

export type DatasheetSection = keyof typeof DATASHEET_SECTIONS;

/** One question of the datasheet. */
export interface DatasheetQuestion {
  readonly section: DatasheetSection;
  /** camelCase key inside its section in the answers YAML, e.g. `purpose`. */
  readonly key: string;
  readonly question: string;
  /** A datasheet without an answer to this question lists it as a gap. */
  readonly required: boolean;
  /** What part of the data profile answers it when the user does not. */
  readonly fromData?: 'rows' | 'missing' | 'subpopulations' | 'labels' | 'license' | 'columns';
}

const q = (
  section: DatasheetSection,
  key: string,
  question: string,
  required: boolean,
  fromData?: DatasheetQuestion['fromData'],
): DatasheetQuestion => ({ section, key, question, required, ...(fromData ? { fromData } : {}) });

/**
 * Every question, grouped by section in order.
 * @example DATASHEET_QUESTIONS.filter((x) => x.required).length // 19
 */
export const DATASHEET_QUESTIONS: readonly DatasheetQuestion[] = [
  q(
    'motivation',
    'purpose',
    'For what purpose was the dataset created? Which task or gap did it address?',
    true,
  ),
  q('motivation', 'creators', 'Who created the dataset, and on behalf of which entity?', true),
  q('motivation', 'funding', 'Who funded the creation of the dataset?', false),
  q('motivation', 'comments', 'Any other comments on motivation?', false),

  q('composition', 'instances', 'What do the instances represent (people, documents, transactions…)?', true),
  q('composition', 'count', 'How many instances are there in total?', false, 'rows'),
  q('composition', 'fields', 'What data does each instance consist of?', false, 'columns'),
  q(
    'composition',
    'sampling',
    'Is it all possible instances or a sample? If a sample, of what population, and is it representative?',
    true,
  ),
  q('composition', 'labels', 'Is there a label or target associated with each instance?', false, 'labels'),
  q(
    'composition',
    'missing',
    'Is any information missing from individual instances, and why?',
    true,
    'missing',
  ),
  q('composition', 'relationships', 'Are relationships between instances made explicit?', false),
  q('composition', 'splits', 'Are there recommended data splits (training, validation, test)?', false),
  q('composition', 'noise', 'Are there errors, sources of noise or redundancies?', false),
  q('composition', 'external', 'Does it rely on external resources (websites, other datasets)?', false),
  q(
    'composition',
    'confidential',
    'Does it contain confidential data (legally privileged, private communications…)?',
    true,
  ),
  q('composition', 'offensive', 'Could any of it be offensive, insulting or threatening?', false),
  q(
    'composition',
    'subpopulations',
    'Does it identify subpopulations (age, sex, race…)? How are they distributed?',
    true,
    'subpopulations',
  ),
  q(
    'composition',
    'identifiable',
    'Can individuals be identified from it, directly or in combination with other data?',
    true,
  ),
  q(
    'composition',
    'sensitive',
    'Does it contain special-category data (health, ethnicity, religion, sexual orientation, criminal records…)?',
    true,
  ),

  q(
    'collection',
    'acquisition',
    'How was the data for each instance acquired (observed, reported, derived)?',
    true,
  ),
  q(
    'collection',
    'mechanisms',
    'What mechanisms or procedures collected it (sensors, APIs, manual entry)?',
    false,
  ),
  q('collection', 'samplingStrategy', 'If a sample, what was the sampling strategy?', false),
  q('collection', 'collectors', 'Who was involved in collection, and how were they compensated?', false),
  q('collection', 'timeframe', 'Over what timeframe was the data collected?', true),
  q(
    'collection',
    'ethicalReview',
    'Was an ethical review (e.g. an IRB) conducted? With what outcome?',
    false,
  ),
  q('collection', 'notice', 'Were the individuals notified of the collection, and did they consent?', true),
  q('collection', 'revocation', 'Can consent be revoked, and how?', false),
  q(
    'collection',
    'impactAnalysis',
    'Was a data-protection impact analysis done (e.g. GDPR Art. 35 DPIA)?',
    false,
  ),

  q(
    'preprocessing',
    'cleaning',
    'What preprocessing, cleaning or labelling was done (discretisation, removal, imputation…)?',
    true,
  ),
  q('preprocessing', 'raw', 'Was the raw data kept besides the processed data? Where?', false),
  q('preprocessing', 'software', 'Is the software used for preprocessing available?', false),

  q('uses', 'priorUses', 'Has the dataset been used for any tasks already?', false),
  q('uses', 'repository', 'Is there a repository linking to papers or systems that use it?', false),
  q('uses', 'otherTasks', 'What other tasks could it be used for?', false),
  q(
    'uses',
    'risks',
    'Could its composition or collection affect future uses unfairly (harms to groups, legal risks)?',
    true,
  ),
  q('uses', 'notFor', 'Are there tasks for which it should not be used?', true),

  q('distribution', 'thirdParties', 'Will it be distributed outside the creating entity?', false),
  q('distribution', 'method', 'How will it be distributed (download, API, on request)?', false),
  q('distribution', 'when', 'When will it be distributed?', false),
  q('distribution', 'license', 'Under what licence or terms of use is it distributed?', true, 'license'),
  q('distribution', 'restrictions', 'Have third parties imposed IP-based or other restrictions?', false),
  q('distribution', 'exportControls', 'Do export controls or other regulatory restrictions apply?', false),

  q('maintenance', 'maintainer', 'Who supports, hosts and maintains the dataset?', true),
  q('maintenance', 'contact', 'How can the owner or curator be contacted?', true),
  q('maintenance', 'erratum', 'Is there an erratum?', false),
  q(
    'maintenance',
    'updates',
    'Will it be updated (corrections, additions, deletions)? How often, by whom?',
    true,
  ),
  q(
    'maintenance',
    'retention',
    'Are there limits on retaining data about people (e.g. deletion after a time)?',
    false,
  ),
  q('maintenance', 'versions', 'Will older versions stay available?', false),
  q(
    'maintenance',
    'contributions',
    'Can others extend or contribute to it, and how are contributions checked?',
    false,
  ),
];
