// Writers/readers of every stage for ./persistence.ts: Spark's class name and the model data.

import { registerPersister } from "./persistence";
import type { PipelineStage } from "./base";
import {
  VectorAssembler, StringIndexer, StringIndexerModel, IndexToString, OneHotEncoder, OneHotEncoderModel, StandardScaler, StandardScalerModel,
  MinMaxScaler, MinMaxScalerModel, Imputer, ImputerModel, Bucketizer, Tokenizer, RegexTokenizer, HashingTF, IDF, IDFModel, QuantileDiscretizer,
} from "./features";
import { LinearRegression, LinearRegressionModel } from "./regression";
import { LogisticRegression, LogisticRegressionModel } from "./classification";
import { KMeans, KMeansModel } from "./clustering";
import { NaiveBayes, NaiveBayesModel } from "./naive-bayes";
import { DecisionTreeClassifier, DecisionTreeClassificationModel } from "./tree";
import { RandomForestClassifier, RandomForestClassificationModel } from "./random-forest";
import { StopWordsRemover, CountVectorizer, CountVectorizerModel } from "./text-features";
import { PCA, PCAModel } from "./pca";
import { VectorIndexer, VectorIndexerModel } from "./vector-indexer";
import { MinHashLSH, MinHashLSHModel } from "./lsh";
import { Pipeline, PipelineModel } from "./pipeline";
import type { TreeNode } from "./aggregators";

const ORG = "org.apache.spark.ml";
const plain: Array<[string, string, () => PipelineStage]> = [
  ["VectorAssembler", "feature", () => new VectorAssembler()], ["IndexToString", "feature", () => new IndexToString()],
  ["Bucketizer", "feature", () => new Bucketizer()], ["Tokenizer", "feature", () => new Tokenizer()],
  ["RegexTokenizer", "feature", () => new RegexTokenizer()], ["HashingTF", "feature", () => new HashingTF()],
  ["StringIndexer", "feature", () => new StringIndexer()], ["OneHotEncoder", "feature", () => new OneHotEncoder()],
  ["StandardScaler", "feature", () => new StandardScaler()], ["MinMaxScaler", "feature", () => new MinMaxScaler()],
  ["Imputer", "feature", () => new Imputer()], ["IDF", "feature", () => new IDF()],
  ["LinearRegression", "regression", () => new LinearRegression()], ["LogisticRegression", "classification", () => new LogisticRegression()],
  ["KMeans", "clustering", () => new KMeans()], ["NaiveBayes", "classification", () => new NaiveBayes()],
  ["DecisionTreeClassifier", "classification", () => new DecisionTreeClassifier()],
  ["RandomForestClassifier", "classification", () => new RandomForestClassifier()],
  ["StopWordsRemover", "feature", () => new StopWordsRemover()], ["CountVectorizer", "feature", () => new CountVectorizer()],
  ["PCA", "feature", () => new PCA()], ["QuantileDiscretizer", "feature", () => new QuantileDiscretizer()],
  ["MinHashLSH", "feature", () => new MinHashLSH()], ["VectorIndexer", "feature", () => new VectorIndexer()],
];
for (const [name, pkg, make] of plain) registerPersister(name, { sparkClass: `${ORG}.${pkg}.${name}`, make });
registerPersister("Pipeline", { sparkClass: `${ORG}.Pipeline`, make: () => new Pipeline() });
registerPersister("PipelineModel", { sparkClass: `${ORG}.PipelineModel`, make: () => new PipelineModel([]) });

const num = (v: unknown): number[] => (v as number[]).map(Number);
registerPersister("StringIndexerModel", {
  sparkClass: `${ORG}.feature.StringIndexerModel`,
  data: (m) => ({ ddl: "labelsArray array<array<string>>", row: [(m as StringIndexerModel).labelsArray] }),
  make: (d) => new StringIndexerModel(d!.labelsArray as string[][]),
});
registerPersister("OneHotEncoderModel", {
  sparkClass: `${ORG}.feature.OneHotEncoderModel`,
  data: (m) => ({ ddl: "categorySizes array<int>", row: [(m as OneHotEncoderModel).categorySizes] }),
  make: (d) => new OneHotEncoderModel(num(d!.categorySizes)),
});
registerPersister("StandardScalerModel", {
  sparkClass: `${ORG}.feature.StandardScalerModel`,
  data: (m) => ({ ddl: "std array<double>, mean array<double>", row: [(m as StandardScalerModel).stdValues, (m as StandardScalerModel).meanValues] }),
  make: (d, p) => new StandardScalerModel(num(d!.mean), num(d!.std), p.withMean as boolean, p.withStd as boolean),
});
registerPersister("MinMaxScalerModel", {
  sparkClass: `${ORG}.feature.MinMaxScalerModel`,
  data: (m) => ({ ddl: "originalMin array<double>, originalMax array<double>", row: [(m as MinMaxScalerModel).originalMin, (m as MinMaxScalerModel).originalMax] }),
  make: (d, p) => new MinMaxScalerModel(num(d!.originalMin), num(d!.originalMax), p.min as number, p.max as number),
});
registerPersister("ImputerModel", {
  sparkClass: `${ORG}.feature.ImputerModel`,
  data: (m) => ({ ddl: "surrogates array<double>", row: [(m as ImputerModel).surrogates] }),
  make: (d) => new ImputerModel(num(d!.surrogates)),
});
registerPersister("IDFModel", {
  sparkClass: `${ORG}.feature.IDFModel`,
  data: (m) => ({ ddl: "idf array<double>, docFreq array<double>, numDocs long", row: [(m as IDFModel).idfValues, (m as IDFModel).docFreq, (m as IDFModel).numDocs] }),
  make: (d) => new IDFModel(num(d!.idf), num(d!.docFreq), Number(d!.numDocs)),
});
registerPersister("LinearRegressionModel", {
  sparkClass: `${ORG}.regression.LinearRegressionModel`,
  data: (m) => ({ ddl: "intercept double, coefficients array<double>", row: [(m as LinearRegressionModel).intercept, (m as LinearRegressionModel).coefficientsArray] }),
  make: (d) => new LinearRegressionModel(num(d!.coefficients), Number(d!.intercept)),
});
registerPersister("LogisticRegressionModel", {
  sparkClass: `${ORG}.classification.LogisticRegressionModel`,
  data: (st) => {
    const m = st as LogisticRegressionModel;
    return { ddl: "numClasses int, numFeatures int, interceptVector array<double>, coefficientMatrix array<array<double>>, isMultinomial boolean", row: [m.numClasses, m.numFeatures, m.interceptVector, m.coefficientMatrix, !m.isBinary] };
  },
  make: (d) => new LogisticRegressionModel((d!.coefficientMatrix as number[][]).map(num), num(d!.interceptVector), !(d!.isMultinomial as boolean), Number(d!.numClasses)),
});
registerPersister("KMeansModel", {
  sparkClass: `${ORG}.clustering.KMeansModel`,
  data: (m) => ({ ddl: "clusterCenters array<array<double>>", row: [(m as KMeansModel).centers] }),
  make: (d) => new KMeansModel((d!.clusterCenters as number[][]).map(num)),
});
registerPersister("NaiveBayesModel", {
  sparkClass: `${ORG}.classification.NaiveBayesModel`,
  data: (m) => ({ ddl: "pi array<double>, theta array<array<double>>", row: [(m as NaiveBayesModel).piArray, (m as NaiveBayesModel).thetaMatrix] }),
  make: (d) => new NaiveBayesModel(num(d!.pi), (d!.theta as number[][]).map(num)),
});
registerPersister("DecisionTreeClassificationModel", {
  sparkClass: `${ORG}.classification.DecisionTreeClassificationModel`,
  data: (st) => {
    const m = st as DecisionTreeClassificationModel;
    return { ddl: "nodes string, numFeatures int, numClasses int", row: [JSON.stringify(m.nodes), m.numFeatures, m.numClasses] };
  },
  make: (d) => new DecisionTreeClassificationModel(JSON.parse(d!.nodes as string) as TreeNode[], Number(d!.numFeatures), Number(d!.numClasses)),
});
registerPersister("RandomForestClassificationModel", {
  sparkClass: `${ORG}.classification.RandomForestClassificationModel`,
  data: (st) => {
    const m = st as RandomForestClassificationModel;
    return { ddl: "trees string, numFeatures int, numClasses int", row: [JSON.stringify(m.treeNodes), m.numFeatures, m.numClasses] };
  },
  make: (d) => new RandomForestClassificationModel(JSON.parse(d!.trees as string) as TreeNode[][], Number(d!.numFeatures), Number(d!.numClasses)),
});
registerPersister("CountVectorizerModel", {
  sparkClass: `${ORG}.feature.CountVectorizerModel`,
  data: (m) => ({ ddl: "vocabulary array<string>", row: [(m as CountVectorizerModel).vocabulary] }),
  make: (d) => new CountVectorizerModel((d!.vocabulary as string[]).map(String)),
});
registerPersister("PCAModel", {
  sparkClass: `${ORG}.feature.PCAModel`,
  data: (m) => ({ ddl: "pc array<array<double>>, explainedVariance array<double>", row: [(m as PCAModel).pc, [...(m as PCAModel).explainedVarianceValues]] }),
  make: (d) => new PCAModel((d!.pc as number[][]).map(num), num(d!.explainedVariance)),
});

// Spark's MinHashLSHModel data: the (a, b) pairs flattened into one int array.
registerPersister("MinHashLSHModel", {
  sparkClass: `${ORG}.feature.MinHashLSHModel`,
  data: (m) => ({ ddl: "randCoefficients array<int>", row: [(m as MinHashLSHModel).randCoefficients.flat()] }),
  make: (d) => {
    const flat = num(d!.randCoefficients);
    return new MinHashLSHModel(Array.from({ length: flat.length / 2 }, (_, k) => [flat[2 * k]!, flat[2 * k + 1]!] as [number, number]));
  },
});

// Spark's VectorIndexerModel data: numFeatures and categoryMaps map<int, map<double, int>>.
registerPersister("VectorIndexerModel", {
  sparkClass: `${ORG}.feature.VectorIndexerModel`,
  data: (st) => {
    const m = st as VectorIndexerModel;
    return { ddl: "numFeatures int, categoryMaps map<int, map<double, int>>", row: [m.numFeatures, new Map([...m.categoryMaps].map(([i, c]) => [i, new Map(c)]))] };
  },
  make: (d) => {
    const entries = (x: unknown): Array<[unknown, unknown]> => (x instanceof Map ? [...x] : Object.entries(x as Record<string, unknown>));
    const maps = new Map(entries(d!.categoryMaps).map(([i, c]) => [Number(i), new Map(entries(c).map(([v, k]) => [Number(v), Number(k)]))] as [number, Map<number, number>]));
    return new VectorIndexerModel(Number(d!.numFeatures), maps);
  },
});
