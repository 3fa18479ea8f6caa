// Package deploy_test validates deploy/ offline: containers cannot run on
// the development machine, so the kustomize overlays are built and every
// object strictly decoded into its Kubernetes type, the compose file is
// loaded as compose does, and every NTM_* variable they set is checked
// against the flags of the command it configures.
package deploy_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// grpcPorts are the suite's gRPC services and their ports, as the images
// and `ntm up` use them.
var grpcPorts = map[string]int32{"registry": 9101, "criteria": 9102, "ocop": 9103, "funding": 9104, "report": 9105}

// dataServices own a database and read NTM_POSTGRES_URL.
var dataServices = []string{"registry", "criteria", "ocop", "funding"}

var overlays = []string{"dev", "prod"}

// cnpgCluster holds the fields of postgresql.cnpg.io/v1 Cluster the prod
// overlay sets. The operator's Go types would bring its whole module (and
// controller-runtime) into this one for one object; decoding strictly into
// these fields still refuses a misspelt or misplaced one.
type cnpgCluster struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name      string            `json:"name"`
		Namespace string            `json:"namespace"`
		Labels    map[string]string `json:"labels"`
	} `json:"metadata"`
	Spec struct {
		Instances             int    `json:"instances"`
		ImageName             string `json:"imageName"`
		PrimaryUpdateStrategy string `json:"primaryUpdateStrategy"`
		Bootstrap             struct {
			InitDB struct {
				Database string `json:"database"`
				Owner    string `json:"owner"`
			} `json:"initdb"`
		} `json:"bootstrap"`
		Storage struct {
			Size string `json:"size"`
		} `json:"storage"`
		Resources corev1.ResourceRequirements `json:"resources"`
	} `json:"spec"`
}

// objects is an overlay's output, by kind.
type objects struct {
	deployments map[string]*appsv1.Deployment
	services    map[string]*corev1.Service
	pdbs        []*policyv1.PodDisruptionBudget
	hpas        []*autoscalingv2.HorizontalPodAutoscaler
	policies    []*networkingv1.NetworkPolicy
	configMaps  map[string]*corev1.ConfigMap
	secrets     map[string]*corev1.Secret
	clusters    []*cnpgCluster
}

// build runs kustomize on the overlay, as `kubectl apply -k` does, and
// decodes every object strictly: a field Kubernetes does not know fails.
func build(t *testing.T, overlay string) objects {
	t.Helper()
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	res, err := k.Run(filesys.MakeFsOnDisk(), "k8s/overlays/"+overlay)
	if err != nil {
		t.Fatalf("kustomize build %s: %v", overlay, err)
	}
	o := objects{deployments: map[string]*appsv1.Deployment{}, services: map[string]*corev1.Service{},
		configMaps: map[string]*corev1.ConfigMap{}, secrets: map[string]*corev1.Secret{}}
	for _, r := range res.Resources() {
		data, err := r.AsYAML()
		if err != nil {
			t.Fatal(err)
		}
		gvk := r.GetGvk()
		kind := gvk.Group + "/" + gvk.Version + "/" + gvk.Kind
		var into any
		switch kind {
		case "apps/v1/Deployment":
			d := &appsv1.Deployment{}
			o.deployments[r.GetName()], into = d, d
		case "/v1/Service":
			s := &corev1.Service{}
			o.services[r.GetName()], into = s, s
		case "/v1/ConfigMap":
			c := &corev1.ConfigMap{}
			o.configMaps[r.GetName()], into = c, c
		case "/v1/Secret":
			s := &corev1.Secret{}
			o.secrets[r.GetName()], into = s, s
		case "policy/v1/PodDisruptionBudget":
			p := &policyv1.PodDisruptionBudget{}
			o.pdbs, into = append(o.pdbs, p), p
		case "autoscaling/v2/HorizontalPodAutoscaler":
			h := &autoscalingv2.HorizontalPodAutoscaler{}
			o.hpas, into = append(o.hpas, h), h
		case "networking.k8s.io/v1/NetworkPolicy":
			p := &networkingv1.NetworkPolicy{}
			o.policies, into = append(o.policies, p), p
		case "postgresql.cnpg.io/v1/Cluster":
			c := &cnpgCluster{}
			o.clusters, into = append(o.clusters, c), c
		default:
			t.Errorf("%s: %s %s is not a kind this test decodes: add it", overlay, kind, r.GetName())
			continue
		}
		if err := yaml.UnmarshalStrict(data, into); err != nil {
			t.Errorf("%s: %s %s: %v", overlay, kind, r.GetName(), err)
		}
	}
	return o
}

// Every Deployment runs as nonroot on a read-only root with no
// capabilities, under the runtime's seccomp profile, with resources and
// both probes.
func TestDeploymentsHardened(t *testing.T) {
	for _, overlay := range overlays {
		o := build(t, overlay)
		for name, d := range o.deployments {
			where := overlay + "/" + name
			pod := d.Spec.Template.Spec
			psc := pod.SecurityContext
			if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot {
				t.Errorf("%s: pod not runAsNonRoot", where)
			}
			if psc == nil || psc.SeccompProfile == nil || psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
				t.Errorf("%s: seccomp profile not RuntimeDefault", where)
			}
			for _, c := range pod.Containers {
				where := where + "/" + c.Name
				sc := c.SecurityContext
				if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
					t.Errorf("%s: root filesystem not read-only", where)
				}
				if sc == nil || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
					t.Errorf("%s: privilege escalation allowed", where)
				}
				if sc == nil || sc.Capabilities == nil || !slices.Equal(sc.Capabilities.Drop, []corev1.Capability{"ALL"}) {
					t.Errorf("%s: capabilities not dropped", where)
				}
				for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
					if _, ok := c.Resources.Requests[r]; !ok {
						t.Errorf("%s: no %s request", where, r)
					}
				}
				if _, ok := c.Resources.Limits[corev1.ResourceMemory]; !ok {
					t.Errorf("%s: no memory limit", where)
				}
				if !hasHandler(c.ReadinessProbe) || !hasHandler(c.LivenessProbe) {
					t.Errorf("%s: readiness and liveness probes both needed", where)
				}
			}
		}
	}
}

func hasHandler(p *corev1.Probe) bool {
	return p != nil && (p.GRPC != nil || p.Exec != nil || p.HTTPGet != nil || p.TCPSocket != nil)
}

// The gRPC services are probed over gRPC health: by Kubernetes' grpc probe
// on their port in dev, and in prod, where they serve mTLS that probe
// cannot speak, by the image's /healthcheck under the production profile.
func TestServiceProbes(t *testing.T) {
	for _, overlay := range overlays {
		o := build(t, overlay)
		for name, port := range grpcPorts {
			d := o.deployments[name]
			if d == nil {
				t.Errorf("%s: no Deployment %s", overlay, name)
				continue
			}
			c := d.Spec.Template.Spec.Containers[0]
			env := envValues(c)
			if env["NTM_GRPC_ADDR"] != fmt.Sprintf(":%d", port) {
				t.Errorf("%s/%s: NTM_GRPC_ADDR = %q, want :%d", overlay, name, env["NTM_GRPC_ADDR"], port)
			}
			for kind, p := range map[string]*corev1.Probe{"startup": c.StartupProbe, "readiness": c.ReadinessProbe, "liveness": c.LivenessProbe} {
				switch {
				case p == nil:
					t.Errorf("%s/%s: no %s probe", overlay, name, kind)
				case overlay == "prod":
					if p.GRPC != nil || p.Exec == nil || !slices.Equal(p.Exec.Command, []string{"/healthcheck"}) {
						t.Errorf("%s/%s: %s probe %+v, want only exec /healthcheck", overlay, name, kind, p.ProbeHandler)
					}
				case p.GRPC == nil || p.GRPC.Port != port:
					t.Errorf("%s/%s: %s probe %+v, want grpc on %d", overlay, name, kind, p.ProbeHandler, port)
				}
			}
			if overlay == "prod" {
				for _, v := range []string{"NTM_TLS_CERT", "NTM_TLS_KEY", "NTM_TLS_CA"} {
					if env[v] == "" {
						t.Errorf("prod/%s: no %s", name, v)
					}
				}
			}
		}
		gw := o.deployments["gateway"]
		if gw == nil {
			t.Fatalf("%s: no gateway Deployment", overlay)
		}
		env := envValues(gw.Spec.Template.Spec.Containers[0])
		if overlay == "prod" && (env["NTM_PROFILE"] != "production" || env["NTM_TLS_CA"] == "") {
			t.Errorf("prod/gateway: not production with TLS to the services: %v", env)
		}
		for name := range grpcPorts {
			if env := envValues(o.deployments[name].Spec.Template.Spec.Containers[0]); overlay == "prod" && env["NTM_PROFILE"] != "production" {
				t.Errorf("prod/%s: NTM_PROFILE = %q", name, env["NTM_PROFILE"])
			}
		}
	}
}

// envValues are a container's literal environment variables.
func envValues(c corev1.Container) map[string]string {
	m := map[string]string{}
	for _, e := range c.Env {
		m[e.Name] = e.Value
	}
	return m
}

// Each service has a PodDisruptionBudget and a Service selecting its pods;
// the gRPC services' are headless, so that clients resolve every pod and
// balance between them, and the gateway's is an ordinary one.
func TestServicesAndBudgets(t *testing.T) {
	for _, overlay := range overlays {
		o := build(t, overlay)
		for name := range o.deployments {
			if name == "redis" {
				continue
			}
			d := o.deployments[name]
			pod := labels.Set(d.Spec.Template.Labels)
			covered := false
			for _, p := range o.pdbs {
				if sel, err := metav1.LabelSelectorAsSelector(p.Spec.Selector); err == nil && sel.Matches(pod) {
					covered = true
				}
			}
			if !covered {
				t.Errorf("%s/%s: no PodDisruptionBudget", overlay, name)
			}
			s := o.services[name]
			if s == nil || !labels.SelectorFromSet(s.Spec.Selector).Matches(pod) {
				t.Errorf("%s/%s: no Service selecting its pods", overlay, name)
				continue
			}
			port, grpc := grpcPorts[name]
			switch {
			case grpc && s.Spec.ClusterIP != corev1.ClusterIPNone:
				t.Errorf("%s/%s: Service not headless (clusterIP %q)", overlay, name, s.Spec.ClusterIP)
			case grpc && !slices.ContainsFunc(s.Spec.Ports, func(p corev1.ServicePort) bool {
				return p.Port == port && p.TargetPort == intstr.FromString("grpc")
			}):
				t.Errorf("%s/%s: Service has no gRPC port %d", overlay, name, port)
			case !grpc && s.Spec.ClusterIP == corev1.ClusterIPNone:
				t.Errorf("%s/%s: the gateway's Service must not be headless", overlay, name)
			}
		}
		if len(o.deployments) < len(grpcPorts)+1 {
			t.Errorf("%s: %d Deployments, want the %d services and the gateway", overlay, len(o.deployments), len(grpcPorts))
		}
	}
}

// The criteria service and the gateway scale on load, and nothing else
// is autoscaled.
func TestAutoscaling(t *testing.T) {
	for _, overlay := range overlays {
		o := build(t, overlay)
		var targets []string
		for _, h := range o.hpas {
			ref := h.Spec.ScaleTargetRef
			if ref.Kind != "Deployment" || o.deployments[ref.Name] == nil {
				t.Errorf("%s: HPA %s targets %s %s, not a Deployment of the overlay", overlay, h.Name, ref.Kind, ref.Name)
			}
			if h.Spec.MinReplicas == nil || *h.Spec.MinReplicas < 2 {
				t.Errorf("%s: HPA %s may scale below 2 replicas", overlay, h.Name)
			}
			targets = append(targets, ref.Name)
		}
		slices.Sort(targets)
		if !slices.Equal(targets, []string{"criteria", "gateway"}) {
			t.Errorf("%s: HPAs target %v, want criteria and gateway", overlay, targets)
		}
	}
}

// Network policies: everything denied unless allowed; DNS for every pod;
// ingress open to all only for the gateway; PostgreSQL reached only by
// the data-owning services.
func TestNetworkPolicies(t *testing.T) {
	for _, overlay := range overlays {
		o := build(t, overlay)
		var denyAll, dns bool
		for _, p := range o.policies {
			everyPod := len(p.Spec.PodSelector.MatchLabels) == 0 && len(p.Spec.PodSelector.MatchExpressions) == 0
			if everyPod && len(p.Spec.Ingress) == 0 && len(p.Spec.Egress) == 0 &&
				slices.Contains(p.Spec.PolicyTypes, networkingv1.PolicyTypeIngress) && slices.Contains(p.Spec.PolicyTypes, networkingv1.PolicyTypeEgress) {
				denyAll = true
			}
			for _, e := range p.Spec.Egress {
				if everyPod && slices.ContainsFunc(e.Ports, func(pp networkingv1.NetworkPolicyPort) bool { return pp.Port != nil && pp.Port.IntVal == 53 }) {
					dns = true
				}
				if slices.ContainsFunc(e.Ports, func(pp networkingv1.NetworkPolicyPort) bool { return pp.Port != nil && pp.Port.IntVal == 5432 }) {
					for name, d := range o.deployments {
						if selects(p, d) && !slices.Contains(dataServices, name) {
							t.Errorf("%s: %s lets %s, which owns no data, reach PostgreSQL", overlay, p.Name, name)
						}
					}
				}
			}
			for _, in := range p.Spec.Ingress {
				if len(in.From) > 0 {
					continue
				}
				for name, d := range o.deployments {
					if selects(p, d) && name != "gateway" {
						t.Errorf("%s: %s opens %s to everyone", overlay, p.Name, name)
					}
				}
			}
		}
		if !denyAll {
			t.Errorf("%s: no default-deny NetworkPolicy", overlay)
		}
		if !dns {
			t.Errorf("%s: no DNS egress for every pod", overlay)
		}
	}
}

func selects(p *networkingv1.NetworkPolicy, d *appsv1.Deployment) bool {
	sel, err := metav1.LabelSelectorAsSelector(&p.Spec.PodSelector)
	if err != nil {
		panic(err)
	}
	return sel.Matches(labels.Set(d.Spec.Template.Labels))
}

// Every Secret and ConfigMap a Deployment reads is in the overlay's output
// (dev: generated placeholders) or, in prod, one of the Secrets the
// operator or CloudNativePG creates: prod ships no secret values.
func TestSecretsAndConfig(t *testing.T) {
	external := map[string][]string{"dev": nil, "prod": {"ntm-auth-keys", "ntm-tls", "ntm-db-app"}}
	for _, overlay := range overlays {
		o := build(t, overlay)
		if overlay == "prod" && len(o.secrets) > 0 {
			t.Errorf("prod ships Secrets: %v", o.secrets)
		}
		for name, d := range o.deployments {
			secret := func(s string) {
				if o.secrets[s] == nil && !slices.Contains(external[overlay], s) {
					t.Errorf("%s/%s reads Secret %s, which is neither generated nor an expected reference", overlay, name, s)
				}
			}
			pod := d.Spec.Template.Spec
			for _, v := range pod.Volumes {
				if v.Secret != nil {
					secret(v.Secret.SecretName)
				}
			}
			for _, c := range pod.Containers {
				for _, e := range c.Env {
					if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
						secret(e.ValueFrom.SecretKeyRef.Name)
					}
				}
				for _, f := range c.EnvFrom {
					if f.ConfigMapRef != nil && o.configMaps[f.ConfigMapRef.Name] == nil {
						t.Errorf("%s/%s reads ConfigMap %s, not in the output", overlay, name, f.ConfigMapRef.Name)
					}
				}
			}
			if slices.Contains(dataServices, name) {
				if ref := postgresRef(pod.Containers[0]); ref == nil {
					t.Errorf("%s/%s: NTM_POSTGRES_URL not from a Secret", overlay, name)
				} else if overlay == "prod" && (ref.Name != "ntm-db-app" || ref.Key != "uri") {
					t.Errorf("prod/%s: NTM_POSTGRES_URL from %s/%s, want CloudNativePG's ntm-db-app/uri", name, ref.Name, ref.Key)
				}
			}
		}
	}
}

func postgresRef(c corev1.Container) *corev1.SecretKeySelector {
	for _, e := range c.Env {
		if e.Name == "NTM_POSTGRES_URL" && e.ValueFrom != nil {
			return e.ValueFrom.SecretKeyRef
		}
	}
	return nil
}

// Dev runs Redis in the namespace with noeviction; prod runs neither Redis
// nor PostgreSQL as a Deployment, and PostgreSQL is a CloudNativePG Cluster.
func TestStores(t *testing.T) {
	dev := build(t, "dev")
	r := dev.deployments["redis"]
	if r == nil {
		t.Fatal("dev: no Redis Deployment")
	}
	if !noeviction(r.Spec.Template.Spec.Containers[0].Args) {
		t.Errorf("dev: Redis args %v, want --maxmemory-policy noeviction", r.Spec.Template.Spec.Containers[0].Args)
	}
	if len(dev.clusters) != 0 {
		t.Error("dev: a CloudNativePG Cluster; PostgreSQL is external there")
	}

	prod := build(t, "prod")
	for name, d := range prod.deployments {
		for _, c := range d.Spec.Template.Spec.Containers {
			if strings.Contains(c.Image, "redis") || strings.Contains(c.Image, "postgres") {
				t.Errorf("prod: Deployment %s runs %s", name, c.Image)
			}
		}
	}
	if len(prod.clusters) != 1 {
		t.Fatalf("prod: %d CloudNativePG Clusters, want 1", len(prod.clusters))
	}
	c := prod.clusters[0]
	if c.Spec.Instances < 2 || c.Spec.Bootstrap.InitDB.Owner != "ntm" || c.Metadata.Name+"-app" != "ntm-db-app" {
		t.Errorf("prod: Cluster %+v: want ≥2 instances, owner ntm, named so that its app Secret is ntm-db-app", c)
	}
	if prod.configMaps[configName(t, prod)].Data["NTM_REDIS_ADDR"] == "redis:6379" {
		t.Error("prod: NTM_REDIS_ADDR still the in-namespace Redis, which prod does not run")
	}
}

// configName is the generated name of ntm-config (kustomize adds a hash).
func configName(t *testing.T, o objects) string {
	for name := range o.configMaps {
		if strings.HasPrefix(name, "ntm-config-") {
			return name
		}
	}
	t.Fatal("no ntm-config ConfigMap")
	return ""
}

// noeviction reports whether Redis arguments set maxmemory-policy noeviction.
func noeviction(args []string) bool {
	i := slices.Index(args, "--maxmemory-policy")
	return i >= 0 && i+1 < len(args) && args[i+1] == "noeviction"
}
