// pyspark.ml.feature's text stages beyond tokenizing and hashing: StopWordsRemover (Spark's
// default English list) and CountVectorizer (a vocabulary fitted on the workers: term and
// document counts in one treeAggregate pass; the vocabulary is the vocabSize most frequent terms
// that pass minDF / maxDF, as Spark chooses it).

import { AnalysisError } from "../common/errors";
import { ArrayType, StringType, VectorUDT, type DataFrame, type StructType } from "../sql";
import { Estimator, Model, Transformer, appendColumns, appendFields, outputName, requireType, rowObjects } from "./base";
import { installAccessors, P, type ParamAccessors, type ParamSpecs } from "./params";
import { treeAggregate } from "./tree-aggregate";

/** Spark's english.txt (the Snowball list, augmented as in NLTK). */
const ENGLISH = ("i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself it its itself " +
  "they them their theirs themselves what which who whom this that these those am is are was were be been being have has had having do does " +
  "did doing a an the and but if or because as until while of at by for with about against between into through during before after above " +
  "below to from up down in out on off over under again further then once here there when where why how all any both each few more most other " +
  "some such no nor not only own same so than too very s t can will just don should now i'll you'll he'll she'll we'll they'll i'd you'd he'd " +
  "she'd we'd they'd i'm you're he's she's it's we're they're i've we've you've they've isn't aren't wasn't weren't haven't hasn't hadn't " +
  "don't doesn't didn't won't wouldn't shan't shouldn't mustn't can't couldn't cannot could here's how's let's ought that's there's what's " +
  "when's where's who's why's would").split(" ");

interface StopWordsRemoverParams { inputCol?: string; outputCol?: string; stopWords?: string[]; caseSensitive?: boolean; locale?: string }
export interface StopWordsRemover extends ParamAccessors<StopWordsRemoverParams, StopWordsRemover> {}
/** Drops stop words from an array<string> column (case-insensitive by default). */
export class StopWordsRemover extends Transformer {
  readonly paramSpecs: ParamSpecs = {
    inputCol: P.inputCol, outputCol: P.outputCol,
    stopWords: { doc: "The words to be filtered out", default: ENGLISH },
    caseSensitive: { doc: "whether to do a case sensitive comparison over the stop words", default: false },
    locale: { doc: "Locale of the input for case insensitive matching. Ignored when caseSensitive is true.", default: "en_US" },
  };
  constructor(opts: StopWordsRemoverParams = {}) { super("StopWordsRemover"); this.setParams({ ...opts }); }
  /** Spark's default stop words for a language; only "english" ships here. */
  static loadDefaultStopWords(language: string): string[] {
    if (language.toLowerCase() !== "english") {
      throw new AnalysisError("INVALID_PARAMETER_VALUE", `StopWordsRemover: no default stop words for '${language}' here (only english); pass your own list as stopWords.`);
    }
    return [...ENGLISH];
  }
  transformSchema(schema: StructType): StructType {
    requireType(schema, this.getOrDefault<string>("inputCol"), this.stageName, "array");
    return appendFields(schema, this.stageName, [{ name: outputName(this), dataType: ArrayType(StringType, true), nullable: true }]);
  }
  protected transformImpl(df: DataFrame): DataFrame {
    this.transformSchema(df.schema);
    const spec = { kind: "stopWords", stage: this.stageName, input: this.getOrDefault<string>("inputCol"), stopWords: this.getOrDefault<string[]>("stopWords"), caseSensitive: this.getOrDefault<boolean>("caseSensitive") };
    return appendColumns(df, spec, [{ name: outputName(this), dataType: ArrayType(StringType, true), nullable: true }]);
  }
}
installAccessors(StopWordsRemover, ["inputCol", "outputCol", "stopWords", "caseSensitive", "locale"]);

interface CountVectorizerParams { inputCol?: string; outputCol?: string; vocabSize?: number; minDF?: number; maxDF?: number; minTF?: number; binary?: boolean }
const CV_PARAMS = ["inputCol", "outputCol", "vocabSize", "minDF", "maxDF", "minTF", "binary"];
const cvSpecs = (): ParamSpecs => ({
  inputCol: P.inputCol, outputCol: P.outputCol,
  vocabSize: { doc: "max size of the vocabulary", default: 1 << 18 },
  minDF: { doc: "Specifies the minimum number of different documents a term must appear in to be included in the vocabulary. If this is an integer >= 1, this specifies the number of documents the term must appear in; if this is a double in [0,1), then this specifies the fraction of documents.", default: 1 },
  maxDF: { doc: "Specifies the maximum number of different documents a term could appear in to be included in the vocabulary. If this is an integer >= 1, this specifies the maximum number of documents the term could appear in; if this is a double in [0,1), then this specifies the maximum fraction of documents the term could appear in.", default: Number.MAX_SAFE_INTEGER },
  minTF: { doc: "Filter to ignore rare words in a document. For each document, terms with frequency/count less than the given threshold are ignored. If this is an integer >= 1, then this specifies a count (of times the term must appear in the document); if this is a double in [0,1), then this specifies a fraction (out of the document's token count).", default: 1 },
  binary: { doc: "Binary toggle to control the output vector values. If True, all nonzero counts (after minTF filter applied) are set to 1.", default: false },
});

export interface CountVectorizer extends ParamAccessors<CountVectorizerParams, CountVectorizer> {}
export class CountVectorizer extends Estimator<CountVectorizerModel> {
  readonly paramSpecs: ParamSpecs = cvSpecs();
  constructor(opts: CountVectorizerParams = {}) { super("CountVectorizer"); this.setParams({ ...opts }); }
  transformSchema(schema: StructType): StructType {
    requireType(schema, this.getOrDefault<string>("inputCol"), this.stageName, "array");
    return appendFields(schema, this.stageName, [{ name: outputName(this), dataType: VectorUDT, nullable: true }]);
  }
  protected async fitImpl(df: DataFrame): Promise<CountVectorizerModel> {
    this.transformSchema(df.schema);
    const stage = this.stageName, col = this.getOrDefault<string>("inputCol");
    const vocabSize = this.getOrDefault<number>("vocabSize"), minDF = this.getOrDefault<number>("minDF"), maxDF = this.getOrDefault<number>("maxDF");
    if (!(vocabSize > 0)) throw new AnalysisError("INVALID_PARAMETER_VALUE", `${stage}: vocabSize must be > 0 (got ${vocabSize}).`);
    if (minDF < 0 || maxDF < 0) throw new AnalysisError("INVALID_PARAMETER_VALUE", `${stage}: minDF and maxDF must be >= 0.`);
    const r = await treeAggregate<{ docs: number; terms: Map<string, [number, number]> }>(await rowObjects(df, [col]), "termDocCounts", { col, stage });
    const lo = minDF >= 1 ? minDF : minDF * r.docs, hi = maxDF >= 1 ? maxDF : maxDF * r.docs;
    if (lo > hi) throw new AnalysisError("INVALID_PARAMETER_VALUE", `${stage}: maxDF must be >= minDF (minDF ${minDF}, maxDF ${maxDF} over ${r.docs} documents).`);
    const vocabulary = [...r.terms].filter(([, [, d]]) => d >= lo && d <= hi)
      .sort((a, b) => b[1][0] - a[1][0] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, vocabSize).map(([w]) => w);
    if (vocabulary.length === 0) throw new AnalysisError("ML_EMPTY_INPUT", `${stage}: the vocabulary is empty (no term passes minDF ${minDF} / maxDF ${maxDF} over ${r.docs} documents).`);
    return this.copyValues(new CountVectorizerModel(vocabulary));
  }
}
installAccessors(CountVectorizer, CV_PARAMS);

export interface CountVectorizerModel extends ParamAccessors<CountVectorizerParams, CountVectorizerModel> {}
export class CountVectorizerModel extends Model {
  readonly paramSpecs: ParamSpecs = cvSpecs();
  constructor(readonly vocabulary: string[]) { super("CountVectorizerModel"); }
  /** PySpark's CountVectorizerModel.from_vocabulary. */
  static fromVocabulary(vocabulary: string[], opts: { inputCol: string; outputCol?: string; minTF?: number; binary?: boolean }): CountVectorizerModel {
    const m = new CountVectorizerModel([...vocabulary]);
    m.setParams({ ...opts });
    return m;
  }
  transformSchema(schema: StructType): StructType {
    requireType(schema, this.getOrDefault<string>("inputCol"), this.stageName, "array");
    return appendFields(schema, this.stageName, [{ name: outputName(this), dataType: VectorUDT, nullable: true }]);
  }
  protected transformImpl(df: DataFrame): DataFrame {
    this.transformSchema(df.schema);
    const spec = { kind: "countVector", stage: this.stageName, input: this.getOrDefault<string>("inputCol"), vocabulary: this.vocabulary, binary: this.getOrDefault<boolean>("binary"), minTF: this.getOrDefault<number>("minTF") };
    return appendColumns(df, spec, [{ name: outputName(this), dataType: VectorUDT, nullable: true }]);
  }
}
installAccessors(CountVectorizerModel, CV_PARAMS);
