# scikit-learn reference values for test/ml/ml-sklearn.test.ts. Reads the test's data (JSON on
# stdin), prints the reference results (JSON). How Spark's settings map to scikit-learn's:
#  - StandardScaler: Spark divides by the sample std (ddof = 1), sklearn by the population std;
#    the test rescales.
#  - Imputer median: Spark's exact quantile is the value of rank ceil(n / 2) (the lower middle);
#    the data has an odd count of non-missing values, where both agree.
#  - LinearRegression regParam = l, elasticNetParam = 0, standardization = false:
#    Ridge(alpha = n * l); elasticNetParam = 1: Lasso(alpha = l * std(y, ddof=1)) (Spark scales
#    the L1 term by the label's std because it standardizes the label).
#  - LogisticRegression regParam = l, standardization = false: LogisticRegression(C = 1 / (n * l)).
#  - KMeans from the same initial centres: KMeans(init = centres, n_init = 1, algorithm = "lloyd").
#  - areaUnderPR: Spark's PR curve starts at (recall 0, precision of the first threshold), where
#    sklearn's curve ends at (0, 1); the test replaces that point before the trapezoid.
import json, sys
import numpy as np
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import StandardScaler, MinMaxScaler, OneHotEncoder, OrdinalEncoder
from sklearn.linear_model import LinearRegression, Ridge, Lasso, LogisticRegression
from sklearn.cluster import KMeans
from sklearn.metrics import (mean_squared_error, mean_absolute_error, r2_score, roc_auc_score, precision_recall_curve, auc,
                             accuracy_score, f1_score, precision_score, recall_score, confusion_matrix, silhouette_score)
from sklearn.utils import murmurhash3_32

d = json.load(sys.stdin)
out = {}
X = np.array(d["X"], dtype=float); y = np.array(d["y"], dtype=float); n = len(y)

m = np.array([np.nan if v is None else v for v in d["missing"]], dtype=float).reshape(-1, 1)
for s in ["mean", "median", "most_frequent"]:
    out["impute_" + s] = float(SimpleImputer(strategy=s).fit(m).statistics_[0])

cats = np.array(d["cats"], dtype=object).reshape(-1, 1)
out["ordinal"] = OrdinalEncoder().fit_transform(cats)[:, 0].tolist()
out["onehot"] = OneHotEncoder(sparse_output=False).fit_transform(cats).tolist()

ss = StandardScaler().fit(X)
out["scaled"] = ((X - ss.mean_) / (ss.scale_ * np.sqrt(n / (n - 1)))).tolist()
out["minmax"] = MinMaxScaler().fit_transform(X).tolist()
out["hash"] = [murmurhash3_32(t, seed=42) for t in d["terms"]]
from sklearn.feature_extraction.text import CountVectorizer
# The documents come tokenized; min_df=2 as the test's minDF.
cv = CountVectorizer(analyzer=lambda toks: toks, min_df=2)
out["cvCounts"] = cv.fit_transform(d["docs"]).toarray().tolist()
out["cvVocabulary"] = {k: int(v) for k, v in cv.vocabulary_.items()}

ols = LinearRegression().fit(X, y)
out["ols"] = [ols.coef_.tolist(), float(ols.intercept_)]
lam = d["lam"]
ridge = Ridge(alpha=n * lam).fit(X, y)
out["ridge"] = [ridge.coef_.tolist(), float(ridge.intercept_)]
lasso = Lasso(alpha=lam * np.std(y, ddof=1), tol=1e-12, max_iter=100000).fit(X, y)
out["lasso"] = [lasso.coef_.tolist(), float(lasso.intercept_)]

yb = np.array(d["yb"], dtype=float)
lr = LogisticRegression(C=1 / (n * lam), tol=1e-12, max_iter=10000).fit(X, yb)
out["logistic"] = [lr.coef_[0].tolist(), float(lr.intercept_[0])]
en = LogisticRegression(solver="saga", l1_ratio=0.5, C=1 / (n * lam), tol=1e-12, max_iter=200000).fit(X, yb)
out["elasticNet"] = [en.coef_[0].tolist(), float(en.intercept_[0])]
ym = np.array(d["ym"], dtype=int)
mlr = LogisticRegression(C=1 / (n * lam), tol=1e-12, max_iter=10000).fit(X, ym)
out["multinomial"] = [mlr.coef_.tolist(), mlr.intercept_.tolist()]

km = KMeans(n_clusters=len(d["init"]), init=np.array(d["init"]), n_init=1, algorithm="lloyd", max_iter=300, tol=0).fit(X)
out["kmeans"] = [float(km.inertia_), km.cluster_centers_.tolist()]

p = np.array(d["pred"], dtype=float)
out["reg"] = {"rmse": float(np.sqrt(mean_squared_error(y, p))), "mse": float(mean_squared_error(y, p)), "mae": float(mean_absolute_error(y, p)), "r2": float(r2_score(y, p))}
score = np.array(d["score"], dtype=float)
prec, rec, _ = precision_recall_curve(yb, score)
prec, rec = prec[::-1].copy(), rec[::-1].copy()  # ascending recall, starts at (0, 1)
prec[0] = prec[1]
out["bin"] = {"areaUnderROC": float(roc_auc_score(yb, score)), "areaUnderPR": float(auc(rec, prec))}
pl = np.array(d["predLabel"], dtype=int)
out["multi"] = {"accuracy": float(accuracy_score(ym, pl)), "f1": float(f1_score(ym, pl, average="weighted")),
                "weightedPrecision": float(precision_score(ym, pl, average="weighted", zero_division=0)),
                "weightedRecall": float(recall_score(ym, pl, average="weighted")),
                "tpr1": float(recall_score(ym, pl, labels=[1], average=None)[0]),
                "confusion": confusion_matrix(ym, pl).tolist()}
out["silhouette"] = float(silhouette_score(X, np.array(d["clusters"]), metric="sqeuclidean"))
from sklearn.tree import DecisionTreeClassifier
tr = d["treeTrain"]
dt = DecisionTreeClassifier(max_depth=5, random_state=0).fit(X[tr], ym[tr])
te = [i for i in range(n) if i not in set(tr)]
out["treeAccuracy"] = float(accuracy_score(ym[te], dt.predict(X[te])))
from sklearn.ensemble import RandomForestClassifier
# Spark's defaults: 20 trees, depth 5, bootstrap, sqrt(d) features per node ("auto" for classification).
rf = RandomForestClassifier(n_estimators=20, max_depth=5, max_features="sqrt", bootstrap=True, random_state=0).fit(X[tr], ym[tr])
out["forestAccuracy"] = float(accuracy_score(ym[te], rf.predict(X[te])))
from sklearn.decomposition import PCA
pca = PCA(n_components=2).fit(X)
out["pcaComponents"] = pca.components_.tolist()  # k x d, rows = components
out["pcaRatio"] = pca.explained_variance_ratio_.tolist()
out["pcaProjected"] = pca.transform(X).tolist()  # centred
# QuantileDiscretizer: Spark's quantile with no error is the value of rank ceil(q n) = numpy's inverted_cdf.
out["quantileSplits"] = [float(np.quantile(X[:, 0], q, method="inverted_cdf")) for q in (0.25, 0.5, 0.75)]
from sklearn.naive_bayes import MultinomialNB
Xc = np.abs(np.round(X))
nb = MultinomialNB(alpha=1.0).fit(Xc, ym)
out["nbTheta"] = nb.feature_log_prob_.tolist()
print(json.dumps(out))
