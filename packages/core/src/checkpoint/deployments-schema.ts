// Pulumi's JSON Schema for deployment state, copied verbatim from pulumi/pulumi
// sdk/go/common/apitype/deployments.json (commit 1b5949891b3cefcb9974752b24a5ecef0acc86c8). A .ts module
// rather than a .json import so that it ships inside dist/ without import attributes.
// Do not edit by hand: re-copy the upstream file when Pulumi changes it.
export const DEPLOYMENTS_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://github.com/pulumi/pulumi/blob/master/sdk/go/common/apitype/deployments.json",
    "title": "Pulumi Deployment States",
    "description": "A schema for Pulumi deployment states.",
    "type": "object",
    "properties": {
        "version": {
            "description": "The deployment version.",
            "type": "integer"
        },
        "deployment": {
            "description": "The deployment object.",
            "type": "object"
        },
        "features": {
            "description": "A set of features this deployment object requires to be supported by Pulumi.",
            "type": "array",
            "items": {
                "type": "string"
            }
        }
    },
    "required": ["version", "deployment"],
    "additionalProperties": false,
    "oneOf": [
        { "$ref": "#/$defs/deploymentV3" },
        {
            "title": "Unknown Version",
            "description": "Catchall for unknown deployment versions.",
            "type": "object",
            "properties": {
                "version": {
                    "description": "The deployment version.",
                    "not": {
                        "enum": [ 3 ]
                    }
                },
                "deployment": {
                    "description": "The deployment object.",
                    "type": "object"
                }
            }
        }
    ],
    "$defs": {
        "deploymentV3": {
            "$anchor": "v3",
            "title": "Version 3",
            "description": "The third version of the deployment state.",
            "type": "object",
            "properties": {
                "version": {
                    "description": "The deployment version. Must be `3`.",
                    "const": 3
                },
                "deployment": {
                    "description": "The deployment state.",
                    "type": "object",
                    "properties": {
                        "manifest": {
                            "description": "Metadata about the deployment.",
                            "$ref": "#/$defs/manifestV1"
                        },
                        "secrets_providers": {
                            "description": "Configuration for this stack's secrets provider.",
                            "$ref": "#/$defs/secretsProviderV1"
                        },
                        "resources": {
                            "description": "All resources that are part of the stack.",
                            "type": "array",
                            "items": {
                                "$ref": "https://github.com/pulumi/pulumi/blob/master/sdk/go/common/apitype/resources.json#v3"
                            }
                        },
                        "pending_operations": {
                            "description": "Any operations that were pending at the time the deployment finished.",
                            "type": "array",
                            "items": {
                                "$ref": "#/$defs/operationV2"
                            }
                        },
                        "metadata": {
                            "description": "Metadata associated with the snapshot.",
                            "type": "object"
                        },
                        "snippets": {
                            "description": "PCL snippets evaluated by the engine on every update.",
                            "type": "array",
                            "items": {
                                "$ref": "#/$defs/snippetV1"
                            }
                        }
                    },
                    "required": ["manifest"],
                    "additionalProperties": false
                }
            },
            "required": ["version", "deployment"],
            "additionalProperties": false
        },
        "manifestV1": {
            "title": "Deployment Manifest",
            "description": "Captures meta-information about a deployment, such as versions of binaries, etc.",
            "type": "object",
            "properties": {
                "time": {
                    "description": "The deployment's start time.",
                    "type": "string",
                    "format": "date-time"
                },
                "magic": {
                    "description": "A magic number used to validate the manifest's integrity.",
                    "type": "string"
                },
                "version": {
                    "description": "The version of the Pulumi engine that produced the deployment.",
                    "type": "string"
                },
                "plugins": {
                    "description": "Information about the plugins used by the deployment.",
                    "type": "array",
                    "items": {
                        "title": "Plugin Info",
                        "description": "Information about a plugin.",
                        "type": "object",
                        "properties": {
                            "name": {
                                "description": "The plugin's name.",
                                "type": "string"
                            },
                            "path": {
                                "description": "The path of the plugin's binary.",
                                "type": "string"
                            },
                            "type": {
                                "description": "The plugin's type.",
                                "enum": [
                                    "analyzer",
                                    "language",
                                    "resource"
                                ]
                            },
                            "version": {
                                "description": "The plugin's version.",
                                "type": "string"
                            }
                        },
                        "required": ["name", "path", "type", "version"],
                        "additionalProperties": false
                    }
                }
            },
            "required": ["time", "magic", "version"],
            "additionalProperties": false
        },
        "secretsProviderV1": {
            "title": "Secrets Provider",
            "description": "Configuration information for a secrets provider.",
            "type": "object",
            "properties": {
                "type": {
                    "description": "The secrets provider's type.",
                    "type": "string"
                },
                "state": {
                    "description": "The secrets provider's state, if any."
                }
            },
            "required": ["type"],
            "additionalProperties": false
        },
        "operationV2": {
            "title": "Resource Operation V2",
            "description": "Version 2 of a resource operation state",
            "type": "object",
            "properties": {
                "resource": {
                    "description": "The state of the affected resource as of the start of this operation.",
                    "$ref": "https://github.com/pulumi/pulumi/blob/master/sdk/go/common/apitype/resources.json#v3"
                },
                "type": {
                    "description": "A string representation of the operation.",
                    "enum": ["creating", "updating", "deleting", "reading"]
                }
            },
            "required": ["resource", "type"],
            "additionalProperties": false
        },
        "snippetV1": {
            "title": "PCL Snippet V1",
            "description": "A PCL snippet stored alongside a snapshot. The engine evaluates these on every update.",
            "type": "object",
            "properties": {
                "uuid": {
                    "description": "The stable identity of this snippet within the snapshot.",
                    "type": "string"
                },
                "name": {
                    "description": "The logical name of the resource this snippet registers.",
                    "type": "string"
                },
                "type": {
                    "description": "The type token of the resource this snippet registers.",
                    "type": "string"
                },
                "code": {
                    "description": "The PCL source for the body of the resource.",
                    "type": "string"
                },
                "descriptor": {
                    "description": "The package descriptor for the resource type.",
                    "$ref": "#/$defs/packageDescriptorV1"
                },
                "references": {
                    "description": "External resources the snippet code may refer to by HCL identifier. The map key is the identifier used inside the code; the value is the URN of the target resource.",
                    "type": "object",
                    "additionalProperties": {
                        "type": "string"
                    }
                }
            },
            "required": ["uuid", "name", "type", "code", "descriptor"],
            "additionalProperties": false
        },
        "packageDescriptorV1": {
            "title": "Package Descriptor V1",
            "description": "Identifies the package and optional parameterization for a snippet's resource type.",
            "type": "object",
            "properties": {
                "name": {
                    "description": "The simple name of the plugin.",
                    "type": "string"
                },
                "version": {
                    "description": "The optional semver version of the plugin.",
                    "type": "string"
                },
                "downloadURL": {
                    "description": "The optional URL to use when downloading the provider plugin binary.",
                    "type": "string"
                },
                "parameterization": {
                    "description": "The optional parameterization of the package.",
                    "$ref": "#/$defs/parameterizationDescriptorV1"
                }
            },
            "required": ["name"],
            "additionalProperties": false
        },
        "parameterizationDescriptorV1": {
            "title": "Parameterization Descriptor V1",
            "description": "Parameterization data for a packaged plugin.",
            "type": "object",
            "properties": {
                "name": {
                    "description": "The name of the parameterized package.",
                    "type": "string"
                },
                "version": {
                    "description": "The semver version of the parameterized package.",
                    "type": "string"
                },
                "value": {
                    "description": "The base64-encoded parameter value.",
                    "type": "string",
                    "contentEncoding": "base64"
                }
            },
            "required": ["name", "version", "value"],
            "additionalProperties": false
        }
    }
};
